import { Task } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { JobMessage, JobReport as JobReportData, MessageLevel, StreamEvent } from '../../sdk/index.js';
import { displayedPercent } from '../job-progress-dialog/job-progress-dialog.js';
import { ConfigController, clientFor, configVersion } from '../shared/config.js';
import { controlStyles } from '../shared/controls.styles.js';
import { defineElement } from '../shared/define.js';
import { JobFinishedEvent } from '../shared/events.js';
import { isFinished } from '../shared/job-state.js';
import { KitElement } from '../shared/kit-element.js';
import { LiveController } from '../shared/live.js';
import { isGone, problemDetail } from '../shared/problem-detail.js';
import { TickerController } from '../shared/ticker.js';
import { reportStyles } from './job-report.styles.js';
import { renderArtifacts, renderMessage, renderSteps, renderSummary, type SectionContext } from './report-sections.js';
import '../job-status-badge/job-status-badge.js';

type LevelChoice = 'problems' | 'error' | 'warning' | 'all';
const levelsOf: Record<LevelChoice, MessageLevel[] | undefined> = {
  problems: ['warning', 'error'],
  error: ['error'],
  warning: ['warning'],
  all: undefined,
};

/**
 * A job's execution report: summary (status, type, user, times, waiting and processing, until when it is kept,
 * host, options), steps with their status, times and counters, warnings and errors paged with the offending item,
 * and the files to download. Works for any job the API lets the user open (an administrator opening someone
 * else's by URL); a 404 says plainly that the job does not exist or is not theirs. Live while the job runs.
 *
 * @tag job-report
 * @summary The execution report of one job.
 * @fires job-finished {JobFinishedEvent} - The job ended while the report was open.
 * @csspart summary - The summary section.
 * @csspart summary-fields - The summary's label/value list.
 * @csspart steps - The steps table.
 * @csspart step - A step's row.
 * @csspart messages - The warnings and errors section.
 * @csspart message - One message.
 * @csspart load-more - The "load more" button.
 * @csspart artifacts - The files section.
 * @csspart files - The list of files.
 * @csspart file-link - A file's download link.
 * @cssprop --job-surface - Background; also `--job-text`, `--job-text-muted`, `--job-border`, `--job-accent`, the status colours.
 */
export class JobReport extends KitElement {
  static override styles = [...KitElement.styles, controlStyles, reportStyles];

  /** The job whose report to show. */
  @property({ attribute: 'job-id' }) jobId?: string;

  /** The jobs API root; defaults to the one given to `configure()`, else `/api`. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** IANA time zone of the times; the browser's when absent. */
  @property({ attribute: 'time-zone' }) timeZone?: string;

  /** Messages fetched per page (1–200). */
  @property({ attribute: 'page-size', type: Number }) pageSize = 50;

  /** Which messages to list: `problems` (warnings and errors), `error`, `warning` or `all`. */
  @property() level: LevelChoice = 'problems';

  /** The messages loaded so far, oldest first. */
  @state() messages: JobMessage[] = [];

  @state() private nextCursor: string | null = null;
  @state() private reloads = 0;
  @state() private messageReloads = 0;
  @state() private clientVersion = configVersion();
  private finishedSeen: string | undefined;
  /** The last report loaded: it stays on screen when a live reload fails for a passing reason (a 503, a blip). */
  private lastReport: JobReportData | undefined;

  private readonly reportTask = new Task(this, {
    task: async ([baseUrl, id], { signal }): Promise<JobReportData | undefined> => {
      if (!id) return undefined;
      const report = await clientFor(baseUrl).getReport(id, { signal });
      const previous = this.lastReport;
      if (previous?.job.id === id && !isFinished(previous.job) && isFinished(report.job)) this.finished(report);
      this.lastReport = report;
      return report;
    },
    args: () => [this.baseUrl, this.jobId, this.reloads, this.clientVersion] as const,
  });

  private readonly messagesTask = new Task(this, {
    task: async ([baseUrl, id, level], { signal }) => {
      if (!id) return;
      const page = await clientFor(baseUrl).listMessages(id, this.query(level), { signal });
      this.messages = page.items;
      this.nextCursor = page.nextCursor;
    },
    args: () => [this.baseUrl, this.jobId, this.level, this.messageReloads, this.clientVersion] as const,
  });

  private readonly moreTask = new Task(this, {
    task: async ([baseUrl, id, level, cursor], { signal }) => {
      if (!id || !cursor) return;
      const page = await clientFor(baseUrl).listMessages(id, { ...this.query(level), cursor }, { signal });
      this.messages = [...this.messages, ...page.items];
      this.nextCursor = page.nextCursor;
    },
    args: () => [this.baseUrl, this.jobId, this.level, this.nextCursor] as const,
    autoRun: false,
  });

  constructor() {
    super();
    new LiveController(this, {
      client: () => clientFor(this.baseUrl),
      onEvent: (event) => this.onLiveEvent(event),
      onResync: () => this.reload(),
    });
    new ConfigController(this, () => this.onConfigured());
    new TickerController(this, () => {
      const job = this.lastReport?.job;
      return !!job && !isFinished(job);
    });
  }

  /** Loads the report and the first page of messages again. */
  reload(): void {
    this.reloads++;
    this.messageReloads++;
  }

  override render() {
    const { m } = this.localize;
    const report = this.reportTask.value ?? (isGone(this.reportTask.error) ? undefined : this.lastReport);
    if (report && report.job.id === this.jobId) return this.renderReport(report);
    return this.reportTask.render({
      pending: () => html`<p role="status">${m.loading}</p>`,
      error: (error) =>
        isGone(error)
          ? html`<p role="alert" class="state">${m.follow.notFound}</p>`
          : html`<div role="alert" class="state error">
              ${m.follow.reportLoadFailed} ${problemDetail(error)}
              <button type="button" @click=${() => this.reportTask.run()}>${m.retry}</button>
            </div>`,
    });
  }

  private renderReport(report: JobReportData) {
    const { m, lang } = this.localize;
    const { job } = report;
    const context: SectionContext = { m, lang, timeZone: this.timeZone, theme: this.theme, now: Date.now() };
    const percent = displayedPercent(job);
    const client = clientFor(this.baseUrl);
    const counts = report.messageCounts;
    return html`
      <section part="summary" aria-labelledby="summary-title">
        <div class="title">
          <h2 id="summary-title">${job.typeLabel} <span class="muted">${m.follow.jobTitle(job.id)}</span></h2>
          <job-status-badge
            theme=${this.theme ?? nothing}
            .status=${job.status}
            .warnings=${job.warnings}
            .errors=${job.errors}
            .percent=${percent}
          ></job-status-badge>
        </div>
        ${
          isFinished(job)
            ? nothing
            : html`<div class="progress">
                ${
                  percent == null
                    ? html`<progress aria-label=${m.follow.progress}></progress>`
                    : html`<progress aria-label=${m.follow.progress} max="100" .value=${percent}></progress>`
                }
                <span>${job.progress.message ?? ''}</span>
              </div>`
        }
        ${renderSummary(job, context)}
        ${
          this.reportTask.error
            ? html`<div role="alert" class="error">
                ${m.follow.reportLoadFailed} ${problemDetail(this.reportTask.error)}
                <button type="button" @click=${() => this.reportTask.run()}>${m.retry}</button>
              </div>`
            : nothing
        }
      </section>
      ${renderSteps(report.steps, context)}
      <section part="messages" aria-labelledby="messages-title">
        <div class="title">
          <h3 id="messages-title">${m.follow.messages}</h3>
          <span class="muted">${[counts.error ? m.errors(counts.error) : '', counts.warning ? m.warnings(counts.warning) : ''].filter(Boolean).join(', ')}</span>
          <label
            >${m.follow.levelFilter}
            <select @change=${this.onLevel}>
              ${(['problems', 'error', 'warning', 'all'] as const).map(
                (choice) =>
                  html`<option value=${choice} ?selected=${choice === this.level}>${m.follow.levelChoice[choice]}</option>`,
              )}
            </select>
          </label>
        </div>
        ${this.renderMessages(context)}
      </section>
      <section part="artifacts" aria-labelledby="files-title">
        <h3 id="files-title">${m.follow.files}</h3>
        ${renderArtifacts(report.artifacts, (name) => client.artifactUrl(job.id, name), context)}
      </section>
    `;
  }

  private renderMessages(context: SectionContext) {
    const { m } = context;
    const failed = html`<div role="alert" class="error">
      ${m.follow.messagesLoadFailed}
      <button type="button" @click=${() => this.messagesTask.run()}>${m.retry}</button>
    </div>`;
    const list = this.messages.length
      ? html`<ol class="messages">
          ${this.messages.map((message) => renderMessage(message, context))}
        </ol>`
      : html`<p class="muted">${m.follow.noMessages}</p>`;
    return this.messagesTask.render({
      pending: () => (this.messages.length ? list : html`<p role="status">${m.loading}</p>`),
      error: () => failed,
      complete: () => html`${list}
        ${
          this.nextCursor
            ? html`<button part="load-more" type="button" ?disabled=${this.moreTask.status === 1} @click=${() => this.moreTask.run()}>
                ${m.follow.loadMore}
              </button>`
            : nothing
        }
        ${this.moreTask.render({ error: () => failed })}`,
    });
  }

  private query(level: LevelChoice) {
    const levels = levelsOf[level];
    const limit = Math.min(Math.max(Math.trunc(this.pageSize) || 50, 1), 200);
    return levels ? { level: levels, limit } : { limit };
  }

  private readonly onLevel = (event: Event): void => {
    this.level = (event.target as HTMLSelectElement).value as LevelChoice;
    this.messages = [];
  };

  private finished(report: JobReportData): void {
    if (this.finishedSeen === report.job.id) return;
    this.finishedSeen = report.job.id;
    this.dispatchEvent(new JobFinishedEvent(report.job));
  }

  private readonly onConfigured = (): void => {
    this.clientVersion = configVersion();
  };

  private onLiveEvent(event: StreamEvent): void {
    const report = this.lastReport;
    if (!report || report.job.id !== this.jobId) return;
    const id = report.job.id;
    switch (event.type) {
      case 'job.progress':
        if (event.jobId !== id) return;
        report.job = { ...report.job, progress: event.progress, warnings: event.warnings, errors: event.errors };
        this.requestUpdate();
        return;
      case 'job.updated':
        if (event.job.id === id) this.reloads++;
        return;
      case 'job.finished':
        // Steps, counters, messages and files are final now: fetch them all.
        if (event.job.id === id) this.reload();
        return;
      case 'job.deleted':
        if (event.jobId === id) this.reloads++;
        return;
      case 'reset':
        this.reload();
    }
  }
}

defineElement('job-report', JobReport);

declare global {
  interface HTMLElementTagNameMap {
    'job-report': JobReport;
  }
}
