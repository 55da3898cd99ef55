import type { Job, JobPage } from '../../sdk/index.js';
import { keepNewer } from '../shared/job-state.js';

interface Page {
  /** The cursor that fetched it (null for the first page), kept so an evicted page can be fetched again. */
  cursor: string | null;
  /** Its rows, or null once evicted or while it loads. */
  items: Job[] | null;
  /** How many rows it holds, known even when evicted, so the scroll height never jumps. */
  count: number;
}

export type FetchPage = (cursor: string | null, signal: AbortSignal) => Promise<JobPage>;

/** Pages kept around the viewport, each side; beyond that they are dropped and refetched by cursor on return. */
const keptPages = 4;

/**
 * The rows of a keyset-paged list, for a virtual scroller: pages are fetched by cursor as the viewport nears the
 * end, and pages far from it are evicted, so memory and DOM stay bounded whatever the number of jobs.
 * Live updates patch rows in place; they never insert or remove rows on their own.
 */
export class JobPages {
  private pages: Page[] = [];
  private nextCursor: string | null = null;
  private readonly inFlight = new Map<number, AbortController>();
  private generation = 0;
  /** The total the server gave with the first page. */
  total: JobPage['total'] = { value: 0, exact: true };
  /** The last page load that failed; `retry()` tries again. */
  error: unknown;

  constructor(
    private readonly fetchPage: () => FetchPage,
    private readonly onChange: () => void,
  ) {}

  /** Starts over from a freshly fetched first page (filters, sort or refresh changed). */
  reset(first: JobPage): void {
    this.abortAll();
    this.generation++;
    const items = keepNewer(
      first.items,
      [...this.loaded()].map(([, job]) => job),
    );
    this.pages = [{ cursor: null, items, count: items.length }];
    this.nextCursor = first.nextCursor;
    this.total = first.total;
    this.error = undefined;
  }

  /** Rows known so far (loaded or evicted). */
  get length(): number {
    let length = 0;
    for (const page of this.pages) length += page.count;
    return length;
  }

  /** Whether more pages follow the last one fetched. */
  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  /** Whether a page is being fetched. */
  get loading(): boolean {
    return this.inFlight.size > 0;
  }

  /** The row at an index, or undefined while its page is not in memory. */
  at(index: number): Job | undefined {
    for (const page of this.pages) {
      if (index < page.count) return page.items?.[index];
      index -= page.count;
    }
    return undefined;
  }

  /** Every row in memory, in order, with its index. */
  *loaded(): Generator<[number, Job]> {
    let offset = 0;
    for (const page of this.pages) {
      if (page.items) for (const [i, job] of page.items.entries()) yield [offset + i, job];
      offset += page.count;
    }
  }

  indexOf(id: string): number {
    for (const [index, job] of this.loaded()) if (job.id === id) return index;
    return -1;
  }

  /**
   * Makes sure rows `start`–`end` are (being) loaded: refetches evicted pages in range, fetches the next page
   * when the range nears the end, and evicts pages far outside it.
   */
  ensure(start: number, end: number): void {
    let offset = 0;
    for (const [index, page] of this.pages.entries()) {
      const pageEnd = offset + page.count;
      const near = pageEnd > start && offset < end;
      const distance = pageEnd <= start ? start - pageEnd : offset >= end ? offset - end : 0;
      if (near && !page.items) this.load(index);
      else if (page.items && distance > keptPages * Math.max(page.count, 1)) page.items = null;
      offset = pageEnd;
    }
    if (this.hasMore && !this.error && end >= offset - 1 && !this.inFlight.has(this.pages.length)) {
      this.load(this.pages.length);
    }
  }

  /** Tries the failed page load again. */
  retry(): void {
    this.error = undefined;
    this.onChange();
  }

  /** Replaces a row in place by ID; true when it was there. */
  update(job: Job): boolean {
    return this.patch(job.id, () => job);
  }

  /** Changes a row in place by ID; true when it was there. */
  patch(id: string, change: (job: Job) => Job): boolean {
    for (const page of this.pages) {
      const index = page.items?.findIndex((job) => job.id === id) ?? -1;
      if (index >= 0) {
        page.items![index] = change(page.items![index]!);
        return true;
      }
    }
    return false;
  }

  /** Takes a row out (the user deleted it), and counts it out of an exact total; true when it was there. */
  remove(id: string): boolean {
    for (const page of this.pages) {
      const index = page.items?.findIndex((job) => job.id === id) ?? -1;
      if (index >= 0) {
        page.items!.splice(index, 1);
        page.count--;
        // A capped total ("more than N") stays a lower bound that one row fewer does not change.
        if (this.total.exact) this.total = { value: Math.max(this.total.value - 1, 0), exact: true };
        return true;
      }
    }
    return false;
  }

  abortAll(): void {
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  private async load(index: number): Promise<void> {
    if (this.inFlight.has(index)) return;
    const isNew = index === this.pages.length;
    const cursor = isNew ? this.nextCursor : this.pages[index]!.cursor;
    const controller = new AbortController();
    const generation = this.generation;
    this.inFlight.set(index, controller);
    // Told after the current render, which is often the one that asked for the page.
    queueMicrotask(this.onChange);
    try {
      const page = await this.fetchPage()(cursor, controller.signal);
      if (generation !== this.generation) return;
      if (isNew) {
        this.pages.push({ cursor, items: page.items, count: page.items.length });
        this.nextCursor = page.nextCursor;
      } else {
        const kept = this.pages[index]!;
        // Rows may have come or gone since; keep the count the scroll height was built on, as far as rows allow.
        kept.items = page.items.slice(0, kept.count);
        kept.count = kept.items.length;
      }
    } catch (error) {
      if (generation !== this.generation || controller.signal.aborted) return;
      this.error = error;
    } finally {
      if (generation === this.generation) this.inFlight.delete(index);
    }
    this.onChange();
  }
}
