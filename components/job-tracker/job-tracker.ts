import { initialState, Task, TaskStatus } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { BulkAction, Job, JobType, Me, User } from '../../sdk/index.js';
import { ConfigController, clientFor, configVersion } from '../shared/config.js';
import { defineElement } from '../shared/define.js';
import { JobOpenEvent } from '../shared/events.js';
import { KitElement } from '../shared/kit-element.js';
import { LiveController } from '../shared/live.js';
import { fillReportUrl } from '../shared/report-url.js';
import { TickerController } from '../shared/ticker.js';
import { ActionsController } from './actions.js';
import { allColumns, type ColumnKey, defaultColumns, isTicking, parseColumns } from './columns.js';
import { defaultFilters, filtersFromUrl, type TrackerFilters, toQuery, writeFiltersToUrl } from './filters.js';
import { JobPages } from './job-pages.js';
import { trackerStyles } from './job-tracker.styles.js';
import { applyLiveEvent } from './live-rows.js';
import { renderTable, type TableHost } from './table.js';
import { renderToolbar } from './toolbar.js';

/** Rows rendered beyond the viewport, each side, so fast scrolling does not show blanks. */
const overscan = 8;

/**
 * The jobs overview: every column of a job processor's table, filters kept in the page URL, virtual scrolling
 * over cursor-paged results, selection with bulk actions, and live updates that never move rows under the user.
 *
 * @tag job-tracker
 * @summary The overview of background jobs, live.
 * @fires {JobOpenEvent} job-open - A job is opened (report link, or Enter on its row). `preventDefault()` stops
 * the element from following the `report-url` of the job, so the host can show it its own way.
 * @fires {JobActionEvent} job-action - A requeue, interrupt or delete (single or bulk) was answered, with the outcome per job.
 * @fires {JobFinishedEvent} job-finished - A job shown in the table finished (from the live stream).
 * @csspart toolbar - The bar holding filters and controls.
 * @csspart filters - The filter form.
 * @csspart refresh - The refresh button.
 * @csspart columns-menu - The column chooser.
 * @csspart scroller - The scrolling box around the table.
 * @csspart table - The table.
 * @csspart row - A job's row.
 * @csspart report-link - The link (or button) opening a job's report.
 * @csspart bulk-bar - The bar of actions on the selection.
 * @csspart notice - The result of the last action.
 * @csspart pending - The "N changes — show" button.
 * @csspart status - Loading, empty, error and total messages.
 * @csspart dialog - The confirmation dialog.
 * @cssprop --job-tracker-height - Maximum height of the scrolling table (default `32rem`).
 * @cssprop --job-tracker-row-height - Height of a row (default `2.5rem`); rows never wrap.
 * @cssprop --job-surface - Background; also `--job-surface-raised`, `--job-text`, `--job-text-muted`, `--job-border`.
 * @cssprop --job-accent - Buttons and links; also `--job-on-accent`, `--job-focus`, `--job-selected`.
 * @cssprop --job-font - Font family.
 */
export class JobTracker extends KitElement implements TableHost {
  static override styles = [...KitElement.styles, trackerStyles];

  /** The jobs API root for this element; defaults to the one given to `configure()`, else `/api`. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Columns shown until the user chooses (comma-separated): status, report, type, id, user, start, waiting, processing, end, host, email. */
  @property() columns?: string;

  /** Template of a job's report URL, `{id}` replaced by the job ID (e.g. `/jobs/{id}`); empty for no link. */
  @property({ attribute: 'report-url' }) reportUrl = '';

  /** IANA time zone for times (e.g. `Europe/Paris`); the browser's when absent. */
  @property({ attribute: 'time-zone' }) timeZone?: string;

  /** Jobs fetched per page (1–200). */
  @property({ attribute: 'page-size', type: Number }) pageSize = 100;

  /** Only jobs about this record (`kind:id`), e.g. on the record's own page. */
  @property() subject?: string;

  /** Prefix of the URL query parameters holding the filters, to keep them apart from the host's own. */
  @property({ attribute: 'param-prefix' }) paramPrefix = '';

  /** The filters and sort in force, mirrored in the page URL. */
  @state() filters: TrackerFilters = defaultFilters;
  /** The selected jobs, by ID. */
  @state() selection = new Map<string, Job>();
  /** @internal */
  @state() pending = 0;
  @state() private chosenColumns?: ColumnKey[];
  @state() private reloads = 0;
  @state() private clientVersion = configVersion();
  @state() private scrollOffset = 0;
  @state() private viewportHeight = 480;

  /** @internal */
  activeIndex = 0;
  /** @internal */
  rowHeight = 40;
  /** @internal */
  readonly pages = new JobPages(
    () => (cursor, signal) => this.client.listJobs(this.query(cursor), { signal }),
    () => this.requestUpdate(),
  );
  private anchor?: number;
  private searchTimer?: ReturnType<typeof setTimeout>;
  private reloadQueued = false;
  /**
   * Whether the load under way is a reload the user did not ask for (a live change, an action): the status line is
   * a live region, and "Loading jobs…" then the count at every change kept a screen reader talking.
   */
  private quietReload = false;
  private tickingRows = false;
  // The new height renders more rows, which resizes the box again: applied at the next frame so the observer
  // does not loop within one ("ResizeObserver loop completed with undelivered notifications").
  private readonly resizeObserver = new ResizeObserver(([entry]) => {
    const height = entry?.contentRect.height;
    if (height) requestAnimationFrame(() => (this.viewportHeight = height));
  });

  private readonly actions = new ActionsController(this);

  private readonly live = new LiveController(this, {
    client: () => this.client,
    onEvent: (event) => applyLiveEvent(this, event),
    onResync: () => this.changed(),
  });

  constructor() {
    super();
    new ConfigController(this, () => this.onConfigured());
    new TickerController(this, () => this.tickingRows);
  }

  private readonly metaTask = new Task(this, {
    task: async ([baseUrl], { signal }): Promise<{ me: Me; types: JobType[]; users: User[] | null }> => {
      const client = clientFor(baseUrl);
      const [me, types] = await Promise.all([client.me({ signal }), client.listJobTypes({ signal })]);
      const users = me.permissions.includes('jobs:read:any') ? await client.listUsers(undefined, { signal }) : null;
      // A link a supervisor shared can carry another user's filter: this caller would get a 403 for every load,
      // with no user filter shown to clear it.
      if (!users && this.filters.user && this.filters.user !== me.id) this.setFilter('user', '');
      return { me, types, users };
    },
    args: () => [this.baseUrl, this.clientVersion] as const,
  });

  private readonly jobsTask = new Task(this, {
    task: async ([baseUrl, query, , , awaitingMe], { signal }) => {
      // A user filter waits for /me, which says whether this caller may apply it (see metaTask).
      if (awaitingMe) return initialState;
      try {
        const page = await clientFor(baseUrl).listJobs(JSON.parse(query), { signal });
        this.pages.reset(page);
        this.scrollOffset = 0;
        if (this.scroller) this.scroller.scrollTop = 0;
        this.activeIndex = Math.min(this.activeIndex, Math.max(page.items.length - 1, 0));
      } finally {
        // An aborted load gave way to a newer one, which may be quiet too.
        if (!signal.aborted) this.quietReload = false;
      }
    },
    args: () =>
      [
        this.baseUrl,
        JSON.stringify(this.query(null)),
        this.reloads,
        this.clientVersion,
        !!this.filters.user &&
          (this.metaTask.status === TaskStatus.INITIAL || this.metaTask.status === TaskStatus.PENDING),
      ] as const,
  });

  // A getter rather than Lit's @query decorator, which a page showing only the tracker would ship for this alone.
  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  /** @internal */
  get client() {
    return clientFor(this.baseUrl);
  }

  /** @internal */
  get visibleColumns(): readonly ColumnKey[] {
    return this.chosenColumns ?? parseColumns(this.columns) ?? defaultColumns;
  }

  private get storageKey(): string {
    return `job-tracker:columns:${location.pathname}${this.id ? `#${this.id}` : ''}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.filters = filtersFromUrl(location.search, this.paramPrefix);
    try {
      this.chosenColumns = parseColumns(JSON.parse(localStorage.getItem(this.storageKey) ?? 'null')?.join(','));
    } catch {
      // Storage may be unavailable (privacy mode) or hold something else under our key: use the attribute.
    }
    // Moved in the page: the scroller is already rendered and needs watching again.
    if (this.hasUpdated && this.scroller) this.resizeObserver.observe(this.scroller);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    this.pages.abortAll();
    clearTimeout(this.searchTimer);
  }

  override firstUpdated(): void {
    if (this.scroller) this.resizeObserver.observe(this.scroller);
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('baseUrl') && changed.get('baseUrl') !== undefined) this.live.restart();
    const row = this.renderRoot.querySelector<HTMLElement>('tbody tr[data-index]');
    if (row?.offsetHeight) this.rowHeight = row.offsetHeight;
    const [start, end] = this.range();
    if (this.jobsTask.status === TaskStatus.COMPLETE) this.pages.ensure(start, end + overscan * 2);
  }

  override render() {
    const { m } = this.localize;
    const meta = this.metaTask.value;
    const columns = this.visibleColumns;
    const [start, end] = this.range();
    const loading = () => html`<p part="status" class="message" role="status">${m.loading}</p>`;
    // The pages' total, not the first page's: it counts rows deleted since the load out.
    const total = () =>
      html`<p part="status" class="message" role="status">
        ${this.pages.length === 0 ? m.empty : m.total(this.pages.total.value, this.pages.total.exact)}
      </p>`;
    this.tickingRows = false;
    if (columns.includes('waiting') || columns.includes('processing')) {
      for (let index = start; index < end && !this.tickingRows; index++) {
        const job = this.pages.at(index);
        this.tickingRows = job !== undefined && isTicking(job);
      }
    }
    return html`
      ${renderToolbar({
        m,
        filters: this.filters,
        users: meta?.users ?? null,
        types: meta?.types ?? [],
        columns,
        livePaused: this.live.isPaused,
        setFilter: (key, value, debounce) => this.setFilter(key, value, debounce),
        toggleColumn: (key, shown) => this.toggleColumn(key, shown),
        refresh: () => this.reload(true),
        toggleLive: () => (this.live.isPaused ? this.live.resume() : this.live.pause()),
      })}
      <div class="bar">
        ${this.jobsTask.render({
          initial: loading,
          pending: this.quietReload ? total : loading,
          complete: total,
          error: (error) =>
            html`<div part="status" class="message error" role="alert">
              ${m.loadFailed} ${(error as Error)?.message ?? ''}
              <button type="button" @click=${() => this.jobsTask.run()}>${m.retry}</button>
            </div>`,
        })}
        ${
          this.pending > 0
            ? html`<button part="pending" class="pending" type="button" @click=${this.showPending}>
                ${m.pending(this.pending)}
              </button>`
            : nothing
        }
      </div>
      ${this.actions.renderBulkBar()} ${this.actions.renderNotice()}
      <div part="scroller" class="scroller" @scroll=${this.onScroll}>
        ${this.jobsTask.status === TaskStatus.ERROR ? nothing : renderTable(this, { m, lang: this.localize.lang }, columns, start, end)}
      </div>
      ${this.actions.renderDialog()}
    `;
  }

  /** First and last (exclusive) row indexes to render. */
  private range(): [number, number] {
    const first = Math.floor(this.scrollOffset / this.rowHeight);
    const start = Math.max(0, first - overscan);
    const end = Math.min(this.pages.length, first + Math.ceil(this.viewportHeight / this.rowHeight) + overscan);
    return [start, Math.max(start, end)];
  }

  private query(cursor: string | null) {
    const query = toQuery(this.filters, this.subject, Math.min(Math.max(this.pageSize, 1), 200));
    if (cursor) query.cursor = cursor;
    return query;
  }

  private readonly onScroll = (): void => {
    this.scrollOffset = this.scroller?.scrollTop ?? 0;
  };

  private readonly onConfigured = (): void => {
    this.clientVersion = configVersion();
  };

  /** @internal */
  setFilter(key: keyof TrackerFilters, value: string, debounce = false): void {
    if (key === 'q') clearTimeout(this.searchTimer);
    if (debounce) {
      this.searchTimer = setTimeout(() => this.setFilter(key, value), 300);
      return;
    }
    if (this.filters[key] === value) return;
    this.quietReload = false;
    this.filters = { ...this.filters, [key]: value };
    this.selection = new Map();
    this.pending = 0;
    writeFiltersToUrl(this.filters, this.paramPrefix);
  }

  private toggleColumn(key: ColumnKey, shown: boolean): void {
    const current = this.visibleColumns;
    const next = allColumns.filter((column) => (column === key ? shown : current.includes(column)));
    if (next.length === 0) return;
    this.chosenColumns = next;
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(next));
    } catch {
      // Not remembered when storage is unavailable; the choice still applies to this page view.
    }
  }

  /**
   * Reloads from the first page. `fromUser` also clears what waits behind the "show" button and says "Loading";
   * otherwise the count shown stays until the new one.
   */
  reload(fromUser = false): void {
    if (fromUser) this.pending = 0;
    this.quietReload = !fromUser;
    this.reloads++;
  }

  /** @internal */
  get atTop(): boolean {
    return this.scrollOffset < this.rowHeight;
  }

  /** @internal */
  get messages() {
    return this.localize.m;
  }

  /** Whether live changes may move rows now: at the top, nothing selected. @internal */
  get calm(): boolean {
    return this.atTop && this.selection.size === 0;
  }

  /** Something changed that needs new rows: reload now if calm, else count it behind the "show" button. @internal */
  changed(): void {
    if (!this.calm) {
      this.pending++;
      return;
    }
    if (this.reloadQueued) return;
    // A burst of events (a bulk requeue) arrives in one chunk: reload once for all of it.
    this.reloadQueued = true;
    queueMicrotask(() => {
      this.reloadQueued = false;
      this.reload();
    });
  }

  private readonly showPending = (): void => {
    this.reload(true);
    this.updateComplete.then(() => this.focusRow(0));
  };

  /** @internal */
  toggleSelected(index: number, job: Job, range: boolean): void {
    const selection = new Map(this.selection);
    const select = !selection.has(job.id);
    const from = range && this.anchor !== undefined ? Math.min(this.anchor, index) : index;
    const to = range && this.anchor !== undefined ? Math.max(this.anchor, index) : index;
    for (const [rowIndex, row] of this.pages.loaded()) {
      if (rowIndex < from || rowIndex > to) continue;
      if (select) selection.set(row.id, row);
      else selection.delete(row.id);
    }
    this.anchor = index;
    this.selection = selection;
  }

  /** @internal */
  toggleAllLoaded(select: boolean): void {
    this.selection = select ? new Map([...this.pages.loaded()].map(([, job]) => [job.id, job])) : new Map();
  }

  /** Opens a job: fires `job-open`, then follows its report URL unless the host cancelled. */
  open(job: Job, event?: Event): void {
    const url = this.reportUrlFor(job);
    const openEvent = new JobOpenEvent(job, url);
    this.dispatchEvent(openEvent);
    if (openEvent.defaultPrevented) event?.preventDefault();
    else if (url && !(event?.currentTarget instanceof HTMLAnchorElement)) location.assign(url);
  }

  /** @internal */
  reportUrlFor(job: Job): string {
    return fillReportUrl(this.reportUrl, job.id);
  }

  /** Moves the active row, scrolling it into view, and focuses it once rendered. @internal */
  async focusRow(index: number): Promise<void> {
    const last = this.pages.length - 1;
    if (last < 0) return;
    this.activeIndex = Math.min(Math.max(index, 0), last);
    const scroller = this.scroller!;
    const header = this.renderRoot.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const top = this.activeIndex * this.rowHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + this.rowHeight > scroller.scrollTop + scroller.clientHeight - header) {
      scroller.scrollTop = top + this.rowHeight - scroller.clientHeight + header;
    }
    this.scrollOffset = scroller.scrollTop;
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`tr[data-index="${this.activeIndex}"]`)?.focus();
  }

  /** Makes a row the one in the tab order (focus moved into it by mouse or Tab). @internal */
  activate(index: number): void {
    if (index === this.activeIndex) return;
    this.activeIndex = index;
    this.requestUpdate();
  }

  /** Requeues, interrupts or deletes those of `jobs` that allow it, confirming first where the tracker would. */
  act(action: BulkAction, jobs: Job[]): Promise<void> {
    return this.actions.act(action, jobs);
  }

  /** After an action, focus goes to the active row (the next one when it was deleted), else to Refresh. @internal */
  restoreFocus(): void {
    if (this.pages.length > 0) this.focusRow(this.activeIndex);
    else this.renderRoot.querySelector<HTMLElement>('[part="refresh"]')?.focus();
  }
}

defineElement('job-tracker', JobTracker);

declare global {
  interface HTMLElementTagNameMap {
    'job-tracker': JobTracker;
  }
}
