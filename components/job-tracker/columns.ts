import { html, nothing, type TemplateResult } from 'lit';
import type { Job } from '../../sdk/index.js';
import { formatDateTime, formatDuration } from '../shared/format.js';
import type { Messages } from '../shared/localize.js';
import type { TrackerFilters } from './filters.js';
import '../job-status-badge/job-status-badge.js';

/** The columns of seed 000's overview, in their order. */
export const allColumns = [
  'status',
  'report',
  'type',
  'id',
  'user',
  'start',
  'waiting',
  'processing',
  'end',
  'host',
  'email',
] as const;
export type ColumnKey = (typeof allColumns)[number];

export const defaultColumns: readonly ColumnKey[] = allColumns.filter((key) => key !== 'email' && key !== 'host');

/** The `sort` key of each sortable column. */
export const sortKeyOf: Partial<Record<ColumnKey, TrackerFilters['sort']>> = {
  status: 'status',
  type: 'type',
  user: 'user',
  start: 'startedAt',
  end: 'endedAt',
};

/** Parses a column list (`"status,type,id"`), keeping known keys in the canonical order. */
export function parseColumns(value: string | null | undefined): ColumnKey[] | undefined {
  if (!value) return undefined;
  const wanted = new Set(value.split(/[\s,]+/));
  const columns = allColumns.filter((key) => wanted.has(key));
  return columns.length ? columns : undefined;
}

/** What a cell needs besides its job. */
export interface CellContext {
  m: Messages;
  lang: string;
  timeZone: string | undefined;
  now: number;
  theme: string | undefined;
  reportUrl: (job: Job) => string;
  open: (job: Job, event: Event) => void;
  /** -1 keeps the cell's links and buttons out of the tab order outside the active row. */
  tabIndex: number;
}

const unfinished = new Set(['queued', 'running', 'interrupting']);

/** Whether a job's durations still count up (it shows a ticking time). */
export function isTicking(job: Job): boolean {
  return unfinished.has(job.status);
}

/** Time waited: final once started, counted from creation while queued. */
export function waitingMs(job: Job, now: number): number | null {
  if (job.waitingMs != null) return job.waitingMs;
  if (job.startedAt || !unfinished.has(job.status)) return null;
  return now - Date.parse(job.createdAt);
}

/** Time processed: final once ended, counted from the start while it runs. */
export function processingMs(job: Job, now: number): number | null {
  if (job.processingMs != null) return job.processingMs;
  if (!job.startedAt || job.endedAt) return null;
  return now - Date.parse(job.startedAt);
}

function time(iso: string | null, context: CellContext): TemplateResult | typeof nothing {
  if (!iso) return nothing;
  return html`<time datetime=${iso} title=${iso}>${formatDateTime(iso, context.lang, context.timeZone)}</time>`;
}

/** One cell's content. Strings go through Lit bindings, so HTML in a label or a name shows as text. */
export function renderCell(key: ColumnKey, job: Job, context: CellContext): unknown {
  const { m, lang, now } = context;
  switch (key) {
    case 'status':
      return html`<job-status-badge
        status=${job.status}
        warnings=${job.warnings}
        errors=${job.errors}
        .percent=${job.progress.percent}
        theme=${context.theme ?? nothing}
      ></job-status-badge>`;
    case 'report': {
      const url = context.reportUrl(job);
      const label = html`${m.report}<span class="sr-only"> ${job.id}</span>`;
      return url
        ? html`<a part="report-link" href=${url} tabindex=${context.tabIndex} @click=${(e: Event) => context.open(job, e)}
            >${label}</a
          >`
        : html`<button part="report-link" class="link" tabindex=${context.tabIndex} @click=${(e: Event) => context.open(job, e)}>
            ${label}
          </button>`;
    }
    case 'type':
      return job.typeLabel;
    case 'id':
      return job.id;
    case 'user':
      return html`<span title=${job.user.id}>${job.user.name}</span>`;
    case 'start':
      return time(job.startedAt, context);
    case 'waiting':
      return formatDuration(waitingMs(job, now), lang);
    case 'processing':
      return formatDuration(processingMs(job, now), lang);
    case 'end':
      return time(job.endedAt, context);
    case 'host':
      return job.host ?? '';
    case 'email':
      return job.notifyByEmail ? (job.email ?? '') : '';
  }
}
