import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Rows rendered beyond the viewport, each side, so fast scrolling does not show blanks. */
export const overscan = 8;

/** What the virtual scroll needs from its element, which renders its list inside a `.scroller` box. */
export interface VirtualScrollHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * Which rows of a long list to render: those in the scroller's viewport plus `overscan` each side, from the scroll
 * offset, the scroller's height and the height of a row. Promises: the host re-renders when the user scrolls or the
 * scroller is resized; the row height is measured from a rendered row after each update (rows never wrap, so one
 * tells them all); the scroller is watched only while the host is connected.
 */
export class VirtualScrollController implements ReactiveController {
  /** Height of a row in pixels, measured after each update; the guess before the first row renders. */
  rowHeight = 40;
  private scrollOffset = 0;
  private viewportHeight = 480;
  private watched: HTMLElement | null = null;
  // The new height renders more rows, which resizes the box again: applied at the next frame so the observer
  // does not loop within one ("ResizeObserver loop completed with undelivered notifications").
  private readonly resizeObserver = new ResizeObserver(([entry]) => {
    const height = entry?.contentRect.height;
    if (height) requestAnimationFrame(() => this.setViewportHeight(height));
  });

  constructor(
    private readonly host: VirtualScrollHost,
    /** How many rows the list has, loaded or not. */
    private readonly rowCount: () => number,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // Moved in the page: the scroller is already rendered and needs watching again.
    this.watchScroller();
  }

  hostDisconnected(): void {
    this.resizeObserver.disconnect();
    this.watched = null;
  }

  hostUpdated(): void {
    const row = this.host.renderRoot.querySelector<HTMLElement>('tbody tr[data-index]');
    if (row?.offsetHeight) this.rowHeight = row.offsetHeight;
    // The first update renders the scroller.
    this.watchScroller();
  }

  /** First and last (exclusive) row indexes to render. */
  range(): [number, number] {
    const first = Math.floor(this.scrollOffset / this.rowHeight);
    const start = Math.max(0, first - overscan);
    const end = Math.min(this.rowCount(), first + Math.ceil(this.viewportHeight / this.rowHeight) + overscan);
    return [start, Math.max(start, end)];
  }

  /** Whether the list is scrolled to its top (less than a row down). */
  get atTop(): boolean {
    return this.scrollOffset < this.rowHeight;
  }

  /** For the scroller's `scroll` listener. */
  readonly onScroll = (): void => {
    this.setScrollOffset(this.scroller?.scrollTop ?? 0);
  };

  /** Back to the first row, for a list that starts over. */
  scrollToTop(): void {
    this.setScrollOffset(0);
    if (this.scroller) this.scroller.scrollTop = 0;
  }

  /** Scrolls the least that shows the whole row, below the sticky header. */
  scrollRowIntoView(index: number): void {
    const scroller = this.scroller!;
    const header = scroller.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const top = index * this.rowHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + this.rowHeight > scroller.scrollTop + scroller.clientHeight - header) {
      scroller.scrollTop = top + this.rowHeight - scroller.clientHeight + header;
    }
    this.setScrollOffset(scroller.scrollTop);
  }

  // A getter rather than Lit's @query decorator, which a page showing only the tracker would ship for this alone.
  private get scroller(): HTMLElement | null {
    return this.host.renderRoot.querySelector('.scroller');
  }

  /** Observes the scroller once: `observe()` on an element already watched starts over and reports its size again. */
  private watchScroller(): void {
    const scroller = this.scroller;
    if (!scroller || scroller === this.watched) return;
    this.resizeObserver.observe(scroller);
    this.watched = scroller;
  }

  // Like @state fields: a scroll or resize that leaves the value as it was renders nothing.
  private setScrollOffset(offset: number): void {
    if (offset === this.scrollOffset) return;
    this.scrollOffset = offset;
    this.host.requestUpdate();
  }

  private setViewportHeight(height: number): void {
    if (height === this.viewportHeight) return;
    this.viewportHeight = height;
    this.host.requestUpdate();
  }
}
