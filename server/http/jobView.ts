/**
 * Turns job rows into the contract's `Job` and `JobDetail`: what the caller may do (`can`), why a queued job
 * waits, options as label/value pairs, and sensitive params masked or left out.
 */
import type { components } from '../../sdk/generated/openapi.js';
import { canAct } from '../auth/permissions.js';
import type { Principal } from '../auth/types.js';
import type { QueueInfo } from '../store/queueInfo.js';
import type { Retention } from '../store/retention.js';
import { isFinished, type JobListRow, type JobRow } from '../store/rows.js';
import type { Locale } from './locale.js';
import type { JobTypeRegistry } from './registry.js';

export type Job = components['schemas']['Job'];
export type JobDetail = components['schemas']['JobDetail'];
type SelectedOption = components['schemas']['SelectedOption'];

export const masked = '••••••';

export interface ViewContext {
  registry: JobTypeRegistry;
  principal: Principal;
  locale: Locale;
  /** Queue info of the queued jobs among the rows (see store/queueInfo.ts). */
  queue: Map<string, QueueInfo>;
  /** For a detail's `keptUntil`; without it, jobs are shown as kept for ever. */
  retention?: Retention;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const between = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, to.getTime() - from.getTime()) : null;

export function toJob(row: JobListRow, view: ViewContext): Job {
  const definition = view.registry.get(row.type);
  const mayAct = canAct(view.principal, row.user_id);
  const total = row.progress_total;
  const finished = isFinished(row.status);
  return {
    id: row.id,
    type: row.type,
    typeLabel: view.registry.label(row.type, view.locale),
    status: row.status,
    user: { id: row.user_id, name: row.user_name },
    notifyByEmail: row.notify_by_email,
    email: row.notify_by_email ? row.email : null,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    updatedAt: row.updated_at.toISOString(),
    waitingMs: between(row.created_at, row.started_at),
    processingMs: between(row.started_at, row.ended_at),
    host: row.host,
    progress: {
      done: row.progress_done,
      total,
      percent: total ? Math.min(100, Math.floor((100 * row.progress_done) / total)) : total === 0 ? 100 : null,
      message: row.progress_message,
    },
    warnings: row.warnings,
    errors: row.errors,
    errorCode: row.error_code,
    subjects: row.subjects,
    requeuedFrom: row.requeued_from,
    requeuedAs: row.requeued_as,
    interruptedBy: row.interrupted_by_id ? { id: row.interrupted_by_id, name: row.interrupted_by_name ?? '' } : null,
    forced: row.forced,
    queue: row.status === 'queued' ? (view.queue.get(row.id) ?? { position: null, reason: 'queued' }) : null,
    lastHeartbeatAt: row.status === 'running' || row.status === 'interrupting' ? iso(row.last_heartbeat_at) : null,
    can: {
      requeue: mayAct && finished && definition?.requeueable === true,
      interrupt:
        mayAct && (row.status === 'queued' || (row.status === 'running' && definition?.interruptible === true)),
      delete: mayAct && finished,
    },
  };
}

/** `translate` gives a schema title in the response's language (JobTypeRegistry.titleIn). */
function display(value: unknown, schema: Record<string, unknown>, translate: (title: string) => string): string {
  if (Array.isArray(value)) return value.map((item) => display(item, {}, translate)).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  // An enum offered as `oneOf: [{ const, title }]` shows its title, as the launch screen did.
  const choice = (schema.oneOf as { const?: unknown; title?: string }[] | undefined)?.find((c) => c.const === value);
  return typeof choice?.title === 'string' ? translate(choice.title) : String(value);
}

export function toJobDetail(row: JobRow, view: ViewContext): JobDetail {
  const specs = view.registry.params(row.type);
  const sensitive = new Set(specs.filter((p) => p.sensitive).map((p) => p.name));
  // `jobs.params` is any JSON: a host's own SQL may have queued a job with params that are no object.
  const given: Record<string, unknown> =
    row.params !== null && typeof row.params === 'object' && !Array.isArray(row.params) ? row.params : {};
  // A type this server no longer defines cannot say which of its params were secrets: none is shown. Nor can one
  // whose secrets are no declared param's say which undeclared ones are (JobTypeRegistry.hidesUndeclared).
  const known = view.registry.get(row.type) !== undefined;
  const declared = view.registry.hidesUndeclared(row.type) ? new Set(specs.map((p) => p.name)) : null;
  const shown = (name: string) => !sensitive.has(name) && (!declared || declared.has(name));
  const params = known ? Object.fromEntries(Object.entries(given).filter(([name]) => shown(name))) : {};
  // An uploaded file's param already shows its file name; the `<name>Name` sibling would repeat it.
  const fileNames = new Set(specs.filter((p) => p.fileType).map((p) => `${p.name}Name`));
  const translate = view.registry.titleIn(row.type, view.locale);
  const options: SelectedOption[] = specs
    .filter((p) => given[p.name] !== undefined && !fileNames.has(p.name))
    .map((p) => ({
      name: p.name,
      label: translate(p.title),
      value: p.sensitive ? masked : display(given[p.name], p.schema, translate),
    }));
  const launchUrl = view.registry.get(row.type)?.launchUrl;
  return {
    ...toJob(row, view),
    params,
    options,
    counters: row.counters,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    interruptRequestedAt: iso(row.interrupt_requested_at),
    keptUntil: iso(view.retention?.keptUntil(row.type, row.ended_at) ?? null),
    launchUrl: launchUrl ? expandTemplate(launchUrl, { ...params, jobId: row.id }) : null,
  };
}

/** RFC 6570 level-1 expansion (`{name}`), enough for "run again with changes" links. */
function expandTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? '' : encodeURIComponent(String(value));
  });
}
