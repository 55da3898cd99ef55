import { Task } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Job, Notification, StreamEvent } from '../../sdk/index.js';
import { ConfigController, clientFor, configVersion } from '../shared/config.js';
import { controlStyles } from '../shared/controls.styles.js';
import { defineElement } from '../shared/define.js';
import { KitElement } from '../shared/kit-element.js';
import { LiveController } from '../shared/live.js';
import { problemDetail } from '../shared/problem-detail.js';
import { fillReportUrl } from '../shared/report-url.js';
import { toastsStyles } from './job-toasts.styles.js';
import { Batcher, countEndings, type Toast, toneOfEndings } from './toast-queue.js';
import '../job-status-badge/job-status-badge.js';

/**
 * Toasts about the user's jobs: a flash when one starts, a notification when one ends (from the live stream,
 * and after a reload from the unread `GET /notifications`), each linking to its report. Toasts stack, go away by
 * themselves after `duration` unless hovered or focused, are announced by a polite live region and close with
 * Escape or their close button. An end notification is marked read when its toast is opened, closed, or has
 * stayed its whole `duration` on a visible tab; until then it comes back after a reload.
 * A burst of starts or endings (`group-min` or more within `group-window` ms) becomes one toast: "12 finished, 2 failed".
 *
 * @tag job-toasts
 * @summary Start flashes and end notifications of the user's jobs.
 * @csspart stack - The live region holding the toasts.
 * @csspart toast - One toast.
 * @csspart message - A toast's text.
 * @csspart report-link - The link to a job's report (or to the tracker for a group).
 * @csspart close - A toast's close button.
 * @cssprop --job-toasts-width - Width of the stack (default `min(24rem, 100vw - 2rem)`).
 * @cssprop --job-toasts-z-index - Stacking order above the host page (default `1000`).
 * @cssprop --job-surface - Background; also `--job-text`, `--job-border`, `--job-accent`, the status colours.
 */
export class JobToasts extends KitElement {
  static override styles = [...KitElement.styles, controlStyles, toastsStyles];

  /** The jobs API root; defaults to the one given to `configure()`, else `/api`. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Template of a job's report URL, `{id}` replaced by the job ID (e.g. `/jobs/{id}`); no links when empty. */
  @property({ attribute: 'report-url' }) reportUrl = '';

  /** The tracker page, linked from a grouped toast; no link when empty. */
  @property({ attribute: 'tracker-url' }) trackerUrl = '';

  /** Milliseconds a toast stays before going away by itself; 0 keeps toasts until dismissed. */
  @property({ type: Number }) duration = 8000;

  /** Milliseconds during which arrivals are gathered to be grouped. */
  @property({ attribute: 'group-window', type: Number }) groupWindow = 400;

  /** From this many starts or endings in one window, they show as one grouped toast. */
  @property({ attribute: 'group-min', type: Number }) groupMin = 3;

  /** The toasts on screen, oldest first. */
  @state() toasts: Toast[] = [];

  @state() private reloads = 0;
  @state() private clientVersion = configVersion();
  /** The signed-in user's ID once loaded; only their jobs' starts are announced. */
  userId: string | undefined;
  private readonly seen = new Set<string>();
  private returnFocus: HTMLElement | null = null;
  private keys = 0;
  private readonly starts = new Batcher<Job>(
    () => this.groupWindow,
    (jobs) => this.showStarts(jobs),
  );
  private readonly endings = new Batcher<Notification>(
    () => this.groupWindow,
    (items) => this.showEndings(items),
  );

  constructor() {
    super();
    new LiveController(this, {
      client: () => clientFor(this.baseUrl),
      onEvent: (event) => this.onLiveEvent(event),
      // Endings missed while the tab was hidden are still unread on the server.
      onResync: () => this.reloads++,
    });
    new ConfigController(this, () => this.onConfigured());
  }

  private readonly task = new Task(this, {
    task: async ([baseUrl], { signal }) => {
      const client = clientFor(baseUrl);
      const [me, unread] = await Promise.all([
        client.me({ signal }),
        client.notifications({ unread: true, limit: 50 }, { signal }),
      ]);
      this.userId = me.id;
      for (const notification of [...unread.items].reverse()) this.addEnding(notification);
      return unread.unread;
    },
    args: () => [this.baseUrl, this.reloads, this.clientVersion] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.forgetToasts();
  }

  /** Drops pending and shown toasts without marking anything read. */
  private forgetToasts(): void {
    this.starts.clear();
    this.endings.clear();
    for (const toast of this.toasts) clearTimeout(toast.timer);
  }

  /** Removes a toast; its notifications are marked read. */
  dismiss(toast: Toast): void {
    clearTimeout(toast.timer);
    const index = this.toasts.indexOf(toast);
    if (index < 0) return;
    const hadFocus = toast.focused || this.holdsFocus(toast);
    this.toasts = this.toasts.filter((other) => other !== toast);
    this.markRead(toast);
    if (hadFocus) this.moveFocusAfter(index);
  }

  override render() {
    const { m } = this.localize;
    // The failure is an alert of its own, outside the polite region: nested live regions are read twice, or not at all.
    return html`<div part="stack" class="stack" role="status" aria-live="polite" aria-label=${m.follow.toastsRegion}
        @focusin=${this.onStackFocusIn}>
        ${this.toasts.map((toast) => this.renderToast(toast))}
      </div>
      ${this.task.render({
        error: (error) => html`<div part="toast" class="toast danger failure" role="alert">
          <p part="message">${m.follow.notificationsLoadFailed} ${problemDetail(error)}</p>
          <button type="button" @click=${() => this.task.run()}>${m.retry}</button>
        </div>`,
      })}`;
  }

  private renderToast(toast: Toast) {
    const { m } = this.localize;
    const single = toast.ended.length === 1 ? toast.ended[0] : undefined;
    const tone = toast.ended.length ? toneOfEndings(toast.ended) : 'neutral';
    let message: string;
    let url: string;
    if (toast.started.length) {
      const [first] = toast.started;
      message =
        toast.started.length === 1 ? m.follow.started(first!.typeLabel) : m.follow.startedMany(toast.started.length);
      url = toast.started.length === 1 ? fillReportUrl(this.reportUrl, first!.id) : this.trackerUrl;
    } else if (single) {
      const status = m.status[single.status as keyof typeof m.status] ?? single.status;
      message = m.follow.ended(single.typeLabel, status);
      url = fillReportUrl(this.reportUrl, single.jobId);
    } else {
      message = m.follow.grouped(countEndings(toast.ended));
      url = this.trackerUrl;
    }
    const linkLabel = single || toast.started.length === 1 ? m.follow.viewReport : m.follow.showAll;
    return html`<div
      part="toast"
      class="toast ${tone}"
      data-key=${toast.key}
      @mouseenter=${() => this.hold(toast, 'hovered', true)}
      @mouseleave=${() => this.hold(toast, 'hovered', false)}
      @focusin=${() => this.hold(toast, 'focused', true)}
      @focusout=${(event: FocusEvent) => this.onFocusOut(toast, event)}
      @keydown=${(event: KeyboardEvent) => event.key === 'Escape' && this.dismiss(toast)}
    >
      <div class="body">
        <p part="message">
          ${
            single
              ? html`<job-status-badge
                  theme=${this.theme ?? nothing}
                  .status=${single.status}
                  .warnings=${single.warnings}
                  .errors=${single.errors}
                ></job-status-badge>`
              : nothing
          }
          ${message}
        </p>
        ${url ? html`<a part="report-link" href=${url} @click=${() => this.opened(toast)}>${linkLabel}</a>` : nothing}
      </div>
      <button part="close" class="icon" type="button" aria-label=${m.dismiss} title=${m.dismiss} @click=${() => this.dismiss(toast)}>
        <span aria-hidden="true">×</span>
      </button>
    </div>`;
  }

  private onLiveEvent(event: StreamEvent): void {
    if (event.type === 'job.created') {
      if (this.userId && event.job.user.id === this.userId) this.starts.add(event.job);
    } else if (event.type === 'notification.created') {
      this.addEnding(event.notification);
    }
  }

  private addEnding(notification: Notification): void {
    if (this.seen.has(notification.id) || notification.readAt) return;
    this.seen.add(notification.id);
    this.endings.add(notification);
  }

  private showStarts(jobs: Job[]): void {
    if (jobs.length >= this.groupMin) this.push({ started: jobs, ended: [] });
    else for (const job of jobs) this.push({ started: [job], ended: [] });
  }

  private showEndings(notifications: Notification[]): void {
    if (notifications.length >= this.groupMin) this.push({ started: [], ended: notifications });
    else for (const notification of notifications) this.push({ started: [], ended: [notification] });
  }

  private push(content: Pick<Toast, 'started' | 'ended'>): void {
    const toast: Toast = {
      ...content,
      key: String(++this.keys),
      remaining: this.duration,
      hovered: false,
      focused: false,
    };
    this.toasts = [...this.toasts, toast];
    this.run(toast);
  }

  /** Starts or resumes a toast's countdown, unless something holds it. */
  private run(toast: Toast): void {
    if (this.duration <= 0 || toast.hovered || toast.focused || document.hidden || toast.timer) return;
    toast.runningSince = performance.now();
    toast.timer = setTimeout(() => this.expire(toast), toast.remaining);
  }

  /** Time is up: dismissed, unless focus is inside it (a focus event can go missing while the window is in the background). */
  private expire(toast: Toast): void {
    toast.timer = undefined;
    if (this.holdsFocus(toast)) {
      toast.focused = true;
      toast.remaining = Math.min(this.duration, 1000);
    } else this.dismiss(toast);
  }

  private holdsFocus(toast: Toast): boolean {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    return !!active && !!this.renderRoot.querySelector(`[data-key="${toast.key}"]`)?.contains(active);
  }

  private pause(toast: Toast): void {
    if (!toast.timer) return;
    clearTimeout(toast.timer);
    toast.timer = undefined;
    toast.remaining -= performance.now() - (toast.runningSince ?? performance.now());
  }

  private hold(toast: Toast, reason: 'hovered' | 'focused', on: boolean): void {
    toast[reason] = on;
    if (on) this.pause(toast);
    else this.run(toast);
  }

  private onFocusOut(toast: Toast, event: FocusEvent): void {
    const target = event.currentTarget as HTMLElement;
    if (!target.contains(event.relatedTarget as Node | null)) this.hold(toast, 'focused', false);
  }

  private readonly onStackFocusIn = (event: FocusEvent): void => {
    const from = event.relatedTarget as HTMLElement | null;
    if (from && !this.renderRoot.contains(from)) this.returnFocus = from;
  };

  /** After a keyboard dismissal, focus goes to the next toast, else back where it came from. */
  private async moveFocusAfter(index: number): Promise<void> {
    await this.updateComplete;
    const closes = this.renderRoot.querySelectorAll<HTMLButtonElement>('[part="close"]');
    const next = closes[Math.min(index, closes.length - 1)];
    if (next) next.focus();
    else if (this.returnFocus?.isConnected) this.returnFocus.focus();
  }

  private opened(toast: Toast): void {
    this.markRead(toast);
    toast.ended = [];
  }

  private markRead(toast: Toast): void {
    const client = clientFor(this.baseUrl);
    for (const notification of toast.ended) {
      // A failure only means it shows again after a reload; nothing the user should be bothered with.
      client.markNotificationRead(notification.id).catch(() => undefined);
    }
  }

  private readonly onVisibility = (): void => {
    for (const toast of this.toasts) {
      if (document.hidden) this.pause(toast);
      else this.run(toast);
    }
  };

  private readonly onConfigured = (): void => {
    // Perhaps another user now: the toasts shown are the previous user's, and only they may mark them read (they
    // come back, unread, on that user's next visit).
    this.forgetToasts();
    this.toasts = [];
    this.clientVersion = configVersion();
  };
}

defineElement('job-toasts', JobToasts);

declare global {
  interface HTMLElementTagNameMap {
    'job-toasts': JobToasts;
  }
}
