import { html, nothing } from 'lit';
import type { Artifact, JobDetail, JobMessage, JobReport } from '../../sdk/index.js';
import { formatDateTime, formatDuration } from '../shared/format.js';
import type { Messages } from '../shared/localize.js';
import '../job-status-badge/job-status-badge.js';

type ReportStep = JobReport['steps'][number];
type Counters = ReportStep['counters'];

/** What the section renderers need from the element. */
export interface SectionContext {
  m: Messages;
  lang: string;
  timeZone: string | undefined;
  theme: string | undefined;
  now: number;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function formatNumber(value: number, lang: string, unit?: string, unitDisplay: 'short' | 'long' = 'short'): string {
  const key = `${lang}|${unit ?? ''}|${unitDisplay}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, unit ? { style: 'unit', unit, unitDisplay, maximumFractionDigits: 1 } : {});
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/** 297 → "297 bytes", 20480 → "20.5 kB", in the language. */
export function formatSize(bytes: number, lang: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  // The short byte never takes a plural in English ("297 byte") and is a bare "o" in French: spelled out, it agrees
  // with its number ("297 bytes", "297 octets"). The short multiples read well as they are ("20.5 kB", "20,5 ko").
  return formatNumber(value, lang, units[index], index === 0 ? 'long' : 'short');
}

// Own keys only: a counter named "constructor" must not find what every object inherits.
const counterName = (name: string, m: Messages) =>
  Object.hasOwn(m.follow.counterNames, name) ? m.follow.counterNames[name] : name;

/** "1,000 read · 997 written · 3 skipped". */
export function formatCounters(counters: Counters, { m, lang }: Pick<SectionContext, 'm' | 'lang'>): string {
  return Object.entries(counters)
    .map(([name, value]) => `${formatNumber(Number(value), lang)} ${counterName(name, m)}`)
    .join(' · ');
}

function time(iso: string | null, context: SectionContext) {
  return iso
    ? html`<time datetime=${iso}>${formatDateTime(iso, context.lang, context.timeZone)}</time>`
    : html`<span class="muted">—</span>`;
}

const running = new Set(['queued', 'running', 'interrupting']);

/** The job's summary: who, when, how long, until when it is kept, where, with which options. */
export function renderSummary(job: JobDetail, context: SectionContext) {
  const { m, lang, now } = context;
  const counting = running.has(job.status);
  const waiting = job.waitingMs ?? (counting ? now - Date.parse(job.createdAt) : null);
  const processing = job.processingMs ?? (counting && job.startedAt ? now - Date.parse(job.startedAt) : null);
  const field = (label: string, value: unknown) => html`<dt>${label}</dt><dd>${value}</dd>`;
  return html`<dl class="fields" part="summary-fields">
    ${field(m.columns.type, job.typeLabel)} ${field(m.columns.id, job.id)} ${field(m.columns.user, job.user.name)}
    ${field(m.follow.launchedAt, time(job.createdAt, context))} ${field(m.columns.start, time(job.startedAt, context))}
    ${field(m.columns.end, time(job.endedAt, context))}
    ${job.keptUntil ? field(m.follow.keptUntil, time(job.keptUntil, context)) : nothing}
    ${waiting == null ? nothing : field(m.columns.waiting, formatDuration(waiting, lang))}
    ${processing == null ? nothing : field(m.columns.processing, formatDuration(processing, lang))}
    ${job.host ? field(m.columns.host, job.host) : nothing} ${job.email ? field(m.columns.email, job.email) : nothing}
    ${job.maxAttempts > 1 ? field(m.follow.attemptLabel, m.follow.attempt(job.attempt, job.maxAttempts)) : nothing}
    ${job.errorCode ? field(m.follow.errorCode, html`<code>${job.errorCode}</code>`) : nothing}
    ${job.requeuedFrom ? field(m.follow.requeuedFrom, job.requeuedFrom) : nothing}
    ${job.interruptedBy ? field(m.follow.interruptedBy, job.interruptedBy.name) : nothing}
    ${job.options.map((option) => field(option.label, option.value))}
  </dl>`;
}

export function renderSteps(steps: ReportStep[], context: SectionContext) {
  const { m, lang } = context;
  if (!steps.length) return nothing;
  return html`<table part="steps">
    <caption>${m.follow.steps}</caption>
    <thead>
      <tr>
        <th scope="col">${m.follow.step}</th>
        <th scope="col">${m.columns.status}</th>
        <th scope="col">${m.columns.start}</th>
        <th scope="col">${m.follow.duration}</th>
        <th scope="col">${m.follow.counters}</th>
      </tr>
    </thead>
    <tbody>
      ${steps.map(
        (step) => html`<tr part="step" data-step=${step.name}>
          <th scope="row">${step.label}</th>
          <td><job-status-badge theme=${context.theme ?? nothing} .status=${step.status}></job-status-badge></td>
          <td>${time(step.startedAt, context)}</td>
          <td>
            ${
              step.startedAt
                ? formatDuration(
                    (step.endedAt ? Date.parse(step.endedAt) : context.now) - Date.parse(step.startedAt),
                    lang,
                  )
                : ''
            }
          </td>
          <td class="counters">${formatCounters(step.counters, context)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The offending item as "label: value" pairs, so a bad CSV row reads like one. */
function renderItem(item: Record<string, unknown>) {
  const entries = Object.entries(item);
  if (!entries.length) return nothing;
  return html`<dl class="item">
    ${entries.map(
      ([key, value]) =>
        html`<div><dt>${key}</dt><dd>${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}</dd></div>`,
    )}
  </dl>`;
}

export function renderMessage(message: JobMessage, context: SectionContext) {
  const { m } = context;
  return html`<li part="message" class=${message.level}>
    <div class="message-head">
      <span class="level">${m.follow.level[message.level]}</span>
      <span class="text">${message.message}</span>
      ${message.step ? html`<span class="muted">${message.step}</span>` : nothing}
      <span class="muted">${time(message.at, context)}</span>
    </div>
    ${message.item ? renderItem(message.item) : nothing}
  </li>`;
}

export function renderArtifacts(artifacts: Artifact[], url: (name: string) => string, context: SectionContext) {
  const { m, lang } = context;
  if (!artifacts.length) return html`<p class="muted">${m.follow.noFiles}</p>`;
  return html`<ul part="files">
    ${artifacts.map(
      (artifact) => html`<li>
        <a part="file-link" href=${url(artifact.name)} download=${artifact.fileName} aria-label=${m.follow.download(artifact.fileName)}
          >${artifact.fileName}</a
        >
        <span class="muted">${m.follow.fileRole(artifact.role)} · ${formatSize(artifact.size, lang)}</span>
      </li>`,
    )}
  </ul>`;
}
