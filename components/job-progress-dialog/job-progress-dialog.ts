import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { JobDetail } from '../../sdk/index.js';
import { controlStyles } from '../shared/controls.styles.js';
import { defineElement } from '../shared/define.js';
import { announceJobOpen, JobFinishedEvent, opensInPlace } from '../shared/events.js';
import { formatDateTime, formatDuration } from '../shared/format.js';
import { JobFollower } from '../shared/job-follower.js';
import { isFinished } from '../shared/job-state.js';
import { KitElement } from '../shared/kit-element.js';
import { isGone, problemDetail } from '../shared/problem-detail.js';
import { fillReportUrl } from '../shared/report-url.js';
import { TickerController } from '../shared/ticker.js';
import { dialogStyles } from './job-progress-dialog.styles.js';
import { TimeLeftEstimator } from './time-left.js';
import '../job-status-badge/job-status-badge.js';

/** The percent to show: floored, and never 100 before the job has really ended; null when the total is unknown. */
export function displayedPercent(job: Pick<JobDetail, 'progress' | 'status'>): number | null {
  const { done, total, percent } = job.progress;
  const value = percent ?? (total ? Math.floor((100 * done) / total) : null);
  if (value == null) return null;
  return isFinished(job) ? Math.min(value, 100) : Math.min(value, 99);
}

/** The element with focus, looking inside shadow roots, so focus goes back to a button inside another element. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/**
 * A modal dialog following one job: when and with which options it was launched, its progress, then its result.
 * The job runs on the server: closing the dialog never cancels it, and there is deliberately no cancel button
 * (interrupting is the tracker's business). Fast jobs go straight to the result: progress shows only after
 * `progress-delay`. Re-opening it later for the same job fetches and shows the live state.
 *
 * @tag job-progress-dialog
 * @summary A modal that follows one job's progress to its result.
 * @fires job-finished {JobFinishedEvent} - The followed job ended while the dialog followed it.
 * @fires job-open {JobOpenEvent} - The report link was clicked; the dialog has closed. `preventDefault()` stops the
 * browser from following the link, so the host can show the report its own way.
 * @fires job-launched {JobLaunchedEvent} - Fired on the dialog by `launchAndFollow()` for the job it launched.
 * @fires close {Event} - The dialog closed (the job goes on).
 * @csspart dialog - The native `<dialog>`.
 * @csspart title - The heading (the job type).
 * @csspart options - The options the user selected.
 * @csspart progress - The progress section.
 * @csspart bar - The `<progress>` bar.
 * @csspart result - The result section.
 * @csspart report-link - The link to the job's report; following it closes the dialog.
 * @csspart close - The close button.
 * @cssprop --job-dialog-width - Width of the dialog (default `min(32rem, 100vw - 2rem)`).
 * @cssprop --job-surface - Background; also `--job-text`, `--job-text-muted`, `--job-border`, `--job-accent`.
 */
export class JobProgressDialog extends KitElement {
  static override styles = [...KitElement.styles, controlStyles, dialogStyles];

  /** The job to follow. */
  @property({ attribute: 'job-id' }) jobId?: string;

  /** The jobs API root; defaults to the one given to `configure()`, else `/api`. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Template of the report URL, `{id}` replaced by the job ID (e.g. `/jobs/{id}`); no link when empty. */
  @property({ attribute: 'report-url' }) reportUrl = '';

  /** IANA time zone of the launch time; the browser's when absent. */
  @property({ attribute: 'time-zone' }) timeZone?: string;

  /** Milliseconds before progress shows, so a job that ends sooner goes straight to its result. */
  @property({ attribute: 'progress-delay', type: Number }) progressDelay = 300;

  /** Minutes without a sign of life after which a running job shows "no update for N min". */
  @property({ attribute: 'stale-after', type: Number }) staleAfter = 2;

  @state() private progressVisible = false;

  @query('dialog') private dialog?: HTMLDialogElement;

  private opener: HTMLElement | null = null;
  private delayTimer?: ReturnType<typeof setTimeout>;
  private readonly estimator = new TimeLeftEstimator();
  private readonly follower = new JobFollower(this, {
    baseUrl: () => this.baseUrl,
    jobId: () => this.jobId,
    onChange: (job) => this.estimator.add(job.progress.done, this.clock()),
    onFinished: (job) => this.dispatchEvent(new JobFinishedEvent(job)),
  });

  constructor() {
    super();
    new TickerController(this, () => this.open && !!this.job && !isFinished(this.job));
  }

  /** The job as last known. */
  get job(): JobDetail | undefined {
    return this.follower.job;
  }

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Opens the dialog modally (focus stays inside until it closes, then returns to where it was). */
  async show(): Promise<void> {
    await this.updateComplete;
    if (!this.dialog || this.dialog.open) return;
    this.opener = deepActiveElement();
    if (this.job) this.follower.reload();
    clearTimeout(this.delayTimer);
    this.progressVisible = this.progressDelay <= 0;
    if (!this.progressVisible) this.delayTimer = setTimeout(() => (this.progressVisible = true), this.progressDelay);
    this.dialog.showModal();
  }

  /** Closes the dialog. The job goes on. */
  close(): void {
    this.dialog?.close();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.delayTimer);
  }

  /** The clock of the time-left estimate: monotonic, so it does not jump when the wall clock is set. */
  protected clock(): number {
    return performance.now();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('jobId')) this.estimator.reset();
  }

  override render() {
    const { m } = this.localize;
    const job = this.job?.id === this.jobId ? this.job : undefined;
    return html`<dialog part="dialog" aria-labelledby="title" @close=${this.onClose}>
      <h2 id="title" part="title">${job ? job.typeLabel : m.follow.jobTitle(this.jobId ?? '')}</h2>
      ${job ? this.renderJob(job) : this.renderLoad()}
      <div class="footer">
        <p class="muted">${m.follow.keepsRunning}</p>
        <button part="close" type="button" class="primary" autofocus @click=${this.close}>${m.follow.close}</button>
      </div>
    </dialog>`;
  }

  private renderLoad() {
    const { m } = this.localize;
    return this.follower.task.render({
      pending: () => html`<p role="status">${m.loading}</p>`,
      error: (error) =>
        isGone(error)
          ? html`<p role="alert" class="error">${m.follow.notFound}</p>`
          : html`<div role="alert" class="error">
              ${m.follow.jobLoadFailed} ${problemDetail(error)}
              <button type="button" @click=${() => this.follower.task.run()}>${m.retry}</button>
            </div>`,
    });
  }

  private renderJob(job: JobDetail) {
    const { m, lang } = this.localize;
    return html`
      <dl class="fields">
        <dt>${m.follow.launchedAt}</dt>
        <dd><time datetime=${job.createdAt}>${formatDateTime(job.createdAt, lang, this.timeZone)}</time></dd>
        <dt>${m.columns.id}</dt>
        <dd>${job.id}</dd>
      </dl>
      <section part="options" aria-labelledby="options-title">
        <h3 id="options-title">${m.follow.options}</h3>
        ${
          job.options.length
            ? html`<dl class="fields">
                ${job.options.map((option) => html`<dt>${option.label}</dt><dd>${option.value}</dd>`)}
              </dl>`
            : html`<p class="muted">${m.follow.noOptions}</p>`
        }
      </section>
      ${isFinished(job) ? this.renderResult(job) : this.progressVisible ? this.renderProgress(job) : html`<div class="slot"></div>`}
    `;
  }

  private renderProgress(job: JobDetail) {
    const { m, lang } = this.localize;
    const percent = displayedPercent(job);
    const now = Date.now();
    const left = job.status === 'running' ? this.estimator.estimate(job.progress.total, this.clock()) : undefined;
    const lastSign = Date.parse(job.lastHeartbeatAt ?? job.updatedAt);
    const silentFor = now - lastSign;
    let state: string = m.status[job.status as keyof typeof m.status] ?? job.status;
    if (job.status === 'queued') state = m.follow.waiting(job.queue?.position ?? null);
    else if (job.status === 'interrupting' && job.interruptRequestedAt)
      state = m.follow.stopping(formatDuration(now - Date.parse(job.interruptRequestedAt), lang));
    const stale = job.status === 'running' && silentFor >= this.staleAfter * 60_000;
    return html`<section part="progress" aria-labelledby="progress-title">
      <h3 id="progress-title">${m.follow.progress}</h3>
      ${
        percent == null
          ? html`<progress part="bar" aria-labelledby="progress-title"></progress>`
          : html`<progress part="bar" aria-labelledby="progress-title" max="100" .value=${percent}></progress>`
      }
      <p class="line">
        <span class="percent">${percent == null ? nothing : m.percent(percent)}</span>
        <span class="message">${job.progress.message ?? ''}</span>
      </p>
      <p class="line muted">
        <span role="status">${state}</span>
        ${left === undefined ? nothing : html`<span class="time-left">${m.follow.timeLeft(formatDuration(left, lang))}</span>`}
      </p>
      ${
        stale
          ? html`<p class="stale" role="status">
              ${m.follow.noUpdate(formatDuration(Math.floor(silentFor / 60_000) * 60_000, lang))}
            </p>`
          : nothing
      }
    </section>`;
  }

  private renderResult(job: JobDetail) {
    const { m, lang } = this.localize;
    const url = fillReportUrl(this.reportUrl, job.id);
    const counts = [job.errors ? m.errors(job.errors) : '', job.warnings ? m.warnings(job.warnings) : '']
      .filter(Boolean)
      .join(', ');
    return html`<section part="result" aria-labelledby="result-title">
      <h3 id="result-title">${m.follow.result}</h3>
      <p role="status" class="line">
        <job-status-badge .status=${job.status} .warnings=${job.warnings} .errors=${job.errors}></job-status-badge>
        <span aria-hidden="true">${counts}</span>
      </p>
      ${job.processingMs == null ? nothing : html`<p class="muted">${m.follow.finishedIn(formatDuration(job.processingMs, lang))}</p>`}
      ${
        url
          ? html`<p>
              <a part="report-link" href=${url} @click=${(click: MouseEvent) => this.openReport(job, url, click)}
                >${m.follow.viewReport}</a
              >
            </p>`
          : nothing
      }
    </section>`;
  }

  /**
   * The report takes the place of the page under the modal, however the host shows it (following the link, routing
   * on `job-open` or catching the click), so the dialog closes first, before the host moves focus to the new page.
   * A click that opens the link in another tab or window leaves this page, and so the dialog, as they are.
   */
  private openReport(job: JobDetail, url: string, click: MouseEvent): void {
    if (!opensInPlace(click)) return;
    this.close();
    announceJobOpen(this, job, url, click);
  }

  private readonly onClose = (): void => {
    clearTimeout(this.delayTimer);
    const opener = this.opener;
    this.opener = null;
    // \`close\` comes a task after the dialog closed: by then a host that navigated in place may have put focus on its
    // new page, which is not to be taken back. Focus left in the dialog, or dropped on the body, is still ours to give.
    const focused = deepActiveElement();
    const movedOn = focused && focused !== document.body && !this.renderRoot.contains(focused);
    if (opener?.isConnected && !movedOn) opener.focus();
    this.dispatchEvent(new Event('close'));
  };
}

defineElement('job-progress-dialog', JobProgressDialog);

declare global {
  interface HTMLElementTagNameMap {
    'job-progress-dialog': JobProgressDialog;
  }
}
