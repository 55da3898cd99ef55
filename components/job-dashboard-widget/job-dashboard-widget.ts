import { Task } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Job, StreamEvent } from '../../sdk/index.js';
import { ConfigController, clientFor, configVersion } from '../shared/config.js';
import { controlStyles } from '../shared/controls.styles.js';
import { defineElement } from '../shared/define.js';
import { announceJobOpen, JobFinishedEvent, opensInPlace } from '../shared/events.js';
import { formatDateTime } from '../shared/format.js';
import { keepNewer } from '../shared/job-state.js';
import { KitElement } from '../shared/kit-element.js';
import { LiveController } from '../shared/live.js';
import { problemDetail } from '../shared/problem-detail.js';
import { fillReportUrl } from '../shared/report-url.js';
import { TickerController } from '../shared/ticker.js';
import { widgetStyles } from './job-dashboard-widget.styles.js';
import { relativeTime } from './relative-time.js';
import '../job-status-badge/job-status-badge.js';

/**
 * "Last operations": the signed-in user's latest jobs with their status badge (colour, label and count), type
 * and time, each linking to its report. Live: new jobs come in at the top, statuses and progress change in place.
 * It fits a 280 px sidebar (container query).
 *
 * @tag job-dashboard-widget
 * @summary The user's latest jobs, live, for a dashboard.
 * @fires job-finished {JobFinishedEvent} - A listed job finished (from the live stream).
 * @fires job-open {JobOpenEvent} - A job's report link was clicked. `preventDefault()` stops the link, so the host
 * can show the job its own way.
 * @slot heading - Replaces the "Last operations" title.
 * @csspart base - The card.
 * @csspart title - The heading.
 * @csspart all-link - The link to the tracker.
 * @csspart list - The list of jobs.
 * @csspart item - One job.
 * @csspart link - A job's type, linking to its report.
 * @cssprop --job-widget-radius - Corner radius of the card.
 * @cssprop --job-surface - Background; also `--job-text`, `--job-text-muted`, `--job-border`, `--job-accent`.
 */
export class JobDashboardWidget extends KitElement {
  static override styles = [...KitElement.styles, controlStyles, widgetStyles];

  /** The jobs API root; defaults to the one given to `configure()`, else `/api`. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** How many jobs to show (1–50). */
  @property({ type: Number }) limit = 5;

  /** Template of a job's report URL, `{id}` replaced by the job ID (e.g. `/jobs/{id}`); no links when empty. */
  @property({ attribute: 'report-url' }) reportUrl = '';

  /** The tracker page's URL, for a "see all" link; none when empty. */
  @property({ attribute: 'tracker-url' }) trackerUrl = '';

  /** IANA time zone of the absolute times (in each time's title); the browser's when absent. */
  @property({ attribute: 'time-zone' }) timeZone?: string;

  /** The jobs shown, newest first. */
  @state() jobs: Job[] = [];

  @state() private reloads = 0;
  @state() private clientVersion = configVersion();
  private userId: string | undefined;

  private readonly task = new Task(this, {
    task: async ([baseUrl, limit], { signal }) => {
      const client = clientFor(baseUrl);
      const me = await client.me({ signal });
      // Filtered on the caller even for a supervisor, who could list everyone's: the widget is "my" operations.
      const page = await client.listJobs({ user: [me.id], sort: '-createdAt', limit }, { signal });
      this.userId = me.id;
      this.jobs = keepNewer(page.items, this.jobs);
      return this.jobs;
    },
    args: () => [this.baseUrl, this.size, this.reloads, this.clientVersion] as const,
  });

  constructor() {
    super();
    new LiveController(this, {
      client: () => clientFor(this.baseUrl),
      onEvent: (event) => this.onLiveEvent(event),
      onResync: () => this.reload(),
    });
    new ConfigController(this, () => this.onConfigured());
    new TickerController(this, () => this.jobs.length > 0);
  }

  /** Loads the jobs again. */
  reload(): void {
    this.reloads++;
  }

  override render() {
    const { m } = this.localize;
    return html`<section part="base" aria-labelledby="title">
      <div class="head">
        <h2 id="title" part="title"><slot name="heading">${m.follow.lastOperations}</slot></h2>
        ${this.trackerUrl ? html`<a part="all-link" href=${this.trackerUrl}>${m.follow.seeAll}</a>` : nothing}
      </div>
      ${
        this.jobs.length
          ? this.renderList()
          : this.task.render({
              pending: () => html`<p role="status">${m.loading}</p>`,
              complete: () => html`<p class="muted" role="status">${m.follow.noOperations}</p>`,
              error: () => this.renderError(),
            })
      }
      ${this.jobs.length && this.task.error ? this.renderError() : nothing}
    </section>`;
  }

  private renderError() {
    const { m } = this.localize;
    return html`<div role="alert" class="error">
      ${m.follow.operationsLoadFailed} ${problemDetail(this.task.error)}
      <button type="button" @click=${() => this.task.run()}>${m.retry}</button>
    </div>`;
  }

  private renderList() {
    const { m, lang } = this.localize;
    const now = Date.now();
    return html`<ul part="list">
      ${this.jobs.map((job) => {
        const url = fillReportUrl(this.reportUrl, job.id);
        return html`<li part="item" data-id=${job.id}>
          <job-status-badge
            theme=${this.theme ?? nothing}
            .status=${job.status}
            .warnings=${job.warnings}
            .errors=${job.errors}
            .percent=${job.progress.percent}
          ></job-status-badge>
          ${
            url
              ? html`<a
                  part="link"
                  class="type"
                  href=${url}
                  title=${m.openReport(job.id)}
                  @click=${(click: MouseEvent) => this.openReport(job, url, click)}
                  >${job.typeLabel}</a
                >`
              : html`<span class="type">${job.typeLabel}</span>`
          }
          <time datetime=${job.createdAt} title=${formatDateTime(job.createdAt, lang, this.timeZone)}
            >${relativeTime(job.createdAt, now, lang)}</time
          >
        </li>`;
      })}
    </ul>`;
  }

  private openReport(job: Job, url: string, click: MouseEvent): void {
    if (opensInPlace(click)) announceJobOpen(this, job, url, click);
  }

  private get size(): number {
    return Math.min(Math.max(Math.trunc(this.limit) || 5, 1), 50);
  }

  private readonly onConfigured = (): void => {
    this.clientVersion = configVersion();
  };

  private onLiveEvent(event: StreamEvent): void {
    switch (event.type) {
      case 'job.created':
        if (event.job.user.id !== this.userId || this.jobs.some((job) => job.id === event.job.id)) return;
        this.jobs = [event.job, ...this.jobs].slice(0, this.size);
        return;
      case 'job.updated':
      case 'job.finished': {
        const { job } = event as Extract<StreamEvent, { job: Job }>;
        if (!this.jobs.some((shown) => shown.id === job.id)) return;
        this.jobs = this.jobs.map((shown) => (shown.id === job.id ? job : shown));
        if (event.type === 'job.finished') this.dispatchEvent(new JobFinishedEvent(job));
        return;
      }
      case 'job.progress':
        this.jobs = this.jobs.map((job) =>
          job.id === event.jobId
            ? { ...job, progress: event.progress, warnings: event.warnings, errors: event.errors }
            : job,
        );
        return;
      case 'job.deleted':
        // Reloaded rather than removed, so the list still holds `limit` jobs.
        if (this.jobs.some((job) => job.id === event.jobId)) this.reload();
        return;
      case 'reset':
        this.reload();
    }
  }
}

defineElement('job-dashboard-widget', JobDashboardWidget);

declare global {
  interface HTMLElementTagNameMap {
    'job-dashboard-widget': JobDashboardWidget;
  }
}
