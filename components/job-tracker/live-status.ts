import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { LiveState } from '../shared/live.js';
import type { Messages } from '../shared/localize.js';

/**
 * How long live updates may stay down before the tracker says so. A dropped stream usually reopens at the first
 * retry (a second or two with the SDK's backoff), which is not worth a word to anyone.
 */
export const liveOutageGraceMs = 3000;

type Outage = 'interrupted' | 'stopped';

/**
 * Says, in a polite live region, when the live updates of its host are not coming: the stream is reconnecting (or
 * still connecting) for more than `liveOutageGraceMs`, or the server stopped it (401/403). Promises: nothing is said
 * during a shorter gap; the words go as soon as the stream is open again; nothing is said while the user paused the
 * updates (the pause button says so) or while the tab is hidden (the host let go of the stream on purpose).
 *
 * Polling is a working mode when the server has no stream (it refused it at once): nothing is said then. Polling that
 * follows failed reconnections is how the SDK waits for a server that is gone, and it cannot tell whether the polls
 * succeed; the tracker keeps saying live updates are interrupted until the stream is back.
 *
 * The state is read at each update of the host, which the live controller requests at every change of state.
 */
export class LiveStatusController implements ReactiveController {
  /** What is wrong now, shown or not yet. */
  private outage?: Outage;
  /** What the user is told. */
  private shown?: Outage;
  private timer?: ReturnType<typeof setTimeout>;
  /** Whether the stream failed since it last opened: polling then stands in for a stream that is gone. */
  private streamFailed = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly state: () => LiveState,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const outage = this.outageOf(this.state());
    if (outage === this.outage) return;
    this.outage = outage;
    clearTimeout(this.timer);
    // Already telling the user: they get the new words at once (e.g. "stopped" after "reconnecting").
    if (!outage || this.shown) {
      this.shown = outage;
      return;
    }
    this.timer = setTimeout(() => {
      this.shown = this.outage;
      this.host.requestUpdate();
    }, liveOutageGraceMs);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.outage = undefined;
    this.shown = undefined;
  }

  /** The live region, always in the DOM so that what appears in it is announced. */
  render(m: Messages) {
    const text = this.shown === 'interrupted' ? m.liveInterrupted : this.shown === 'stopped' ? m.liveStopped : nothing;
    return html`<p part="live-status" class="message" role="status">${text}</p>`;
  }

  private outageOf(state: LiveState): Outage | undefined {
    if (document.hidden) return undefined;
    if (state === 'connecting' || state === 'open') this.streamFailed = false;
    else if (state === 'reconnecting') this.streamFailed = true;
    switch (state) {
      case 'connecting':
      case 'reconnecting':
        return 'interrupted';
      case 'polling':
        return this.streamFailed ? 'interrupted' : undefined;
      case 'stopped':
        return 'stopped';
      default:
        return undefined;
    }
  }
}
