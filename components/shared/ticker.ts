import type { ReactiveController, ReactiveControllerHost } from 'lit';

const subscribers = new Set<TickerController>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  for (const ticker of subscribers) if (ticker.isActive()) ticker.host.requestUpdate();
}

/**
 * Re-renders its host once a second while `isActive()` says something on screen is counting (a running job's
 * processing time). All hosts share one interval, which stops when none is connected.
 */
export class TickerController implements ReactiveController {
  constructor(
    readonly host: ReactiveControllerHost,
    readonly isActive: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    subscribers.add(this);
    timer ??= setInterval(tick, 1000);
  }

  hostDisconnected(): void {
    subscribers.delete(this);
    if (subscribers.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }
}
