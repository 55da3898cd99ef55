import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { JobsClient, StreamEvent } from '../../sdk/index.js';

export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'stopped' | 'paused';

/** What a host gives the live controller. */
export interface LiveConfig {
  /** The client whose stream to follow; read on each (re)connection, so a new `configure()` is picked up. */
  client: () => JobsClient;
  /** Each event, as the SDK delivers it (progress already coalesced per animation frame). */
  onEvent: (event: StreamEvent) => void;
  /** Called after a gap (tab hidden, live paused): events were missed, reload what is shown. */
  onResync: () => void;
}

/**
 * Follows the page's one live stream (the SDK shares it per base URL among all elements) while the host is
 * connected. Promises: it lets go of the stream while the tab is hidden or while `paused`, and calls `onResync`
 * when it takes it again; after a `configure()` it reopens the stream with the new client (the old one was opened
 * with the previous credentials) and calls `onResync`; the host re-renders when `state` changes.
 */
export class LiveController implements ReactiveController {
  /** The stream's state as last reported, or `paused`. */
  state: LiveState = 'stopped';
  private unsubscribe: (() => void) | undefined;
  private paused = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly config: LiveConfig,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    document.addEventListener('job-kit-configured', this.onConfigured);
    if (!document.hidden) this.start();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    document.removeEventListener('job-kit-configured', this.onConfigured);
    this.stop();
  }

  /** Stops following the stream until `resume()`. */
  pause(): void {
    this.paused = true;
    this.stop();
    this.setState('paused');
  }

  /** Follows the stream again and asks the host to resynchronise. */
  resume(): void {
    this.paused = false;
    this.restart();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Reconnects, e.g. after the base URL changed, and asks the host to resynchronise. */
  restart(): void {
    this.stop();
    if (!this.paused && !document.hidden) {
      this.start();
      this.config.onResync();
    }
  }

  private start(): void {
    if (this.unsubscribe || this.paused) return;
    this.unsubscribe = this.config.client().subscribe(this.config.onEvent, {
      onState: (state) => this.setState(state),
    });
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (!this.paused) this.setState('stopped');
  }

  private setState(state: LiveState): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }

  private readonly onConfigured = (): void => this.restart();

  private readonly onVisibility = (): void => {
    if (document.hidden) this.stop();
    else if (!this.paused) {
      this.start();
      this.config.onResync();
    }
  };
}
