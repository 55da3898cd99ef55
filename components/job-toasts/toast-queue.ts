import type { Job, Notification } from '../../sdk/index.js';

/** One toast on screen: a start flash or an end notification, alone or grouped from a burst. */
export interface Toast {
  key: string;
  /** Jobs whose start it announces. */
  started: Job[];
  /** End-of-job notifications it shows; marked read when it is dismissed or opened. */
  ended: Notification[];
  /** Milliseconds left before it goes away by itself; paused while hovered, focused or the tab is hidden. */
  remaining: number;
  hovered: boolean;
  focused: boolean;
  runningSince?: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Collects what arrives within `window` ms and hands it over as one batch, so a bulk requeue or a burst of
 * endings can become one grouped toast instead of a wall of them.
 */
export class Batcher<T> {
  private items: T[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly window: () => number,
    private readonly flush: (items: T[]) => void,
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const items = this.items;
      this.items = [];
      this.flush(items);
    }, this.window());
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
  }
}

/** Counts of a burst of endings, for "12 finished, 2 failed". */
export function countEndings(notifications: Notification[]) {
  const counts = { succeeded: 0, failed: 0, interrupted: 0 };
  for (const { status } of notifications) {
    if (status === 'failed') counts.failed++;
    else if (status === 'interrupted') counts.interrupted++;
    else counts.succeeded++;
  }
  return counts;
}

/** The worst outcome among endings decides a toast's colour. */
export function toneOfEndings(notifications: Notification[]): 'success' | 'warning' | 'danger' | 'grey' {
  if (notifications.some((n) => n.status === 'failed')) return 'danger';
  if (notifications.some((n) => n.warnings > 0 || n.errors > 0)) return 'warning';
  if (notifications.some((n) => n.status === 'interrupted')) return 'grey';
  return 'success';
}
