import { initialState, Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { BulkAction, Job, JobType, Me, User } from '../../sdk/index.js';
import { ConfigController, clientFor, configVersion } from '../shared/config.js';
import { defineElement } from '../shared/define.js';
import { announceJobOpen, opensInPlace } from '../shared/events.js';
import { KitElement } from '../shared/kit-element.js';
import { LiveController } from '../shared/live.js';
import { fillReportUrl } from '../shared/report-url.js';
import { TickerController } from '../shared/ticker.js';
import { ActionsController } from './actions.js';
import { ColumnChoiceController } from './column-choice.js';
import { isTicking } from './columns.js';
import { defaultFilters, filtersFromUrl, type TrackerFilters, toQuery, writeFiltersToUrl } from './filters.js';
import { JobPages } from './job-pages.js';
import { trackerStyles } from './job-tracker.styles.js';
import { applyLiveEvent } from './live-rows.js';
import { LiveStatusController } from './live-status.js';
import { renderStatusBar } from './status-bar.js';
import { renderTable, type TableHost } from './table.js';
import { renderToolbar } from './toolbar.js';
import { overscan, VirtualScrollController } from './virtual-scroll.js';

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
 * @csspart live-status - Says when live updates are interrupted or stopped (empty while they flow).
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
  @state() private reloads = 0;
  @state() private clientVersion = configVersion();

  /** @internal */
  activeIndex = 0;
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

  private readonly virtualScroll = new VirtualScrollController(this, () => this.pages.length);
  private readonly columnChoice = new ColumnChoiceController(this);

  private readonly actions = new ActionsController(this);

  private readonly live = new LiveController(this, {
    client: () => this.client,
    onEvent: (event) => applyLiveEvent(this, event),
    onResync: () => this.changed(),
  });
  private readonly liveStatus = new LiveStatusController(this, () => this.live.state);

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
      // A type the server does not define (a stale or mistyped link) would empty the table while the type select,
      // which has no option for it, says "All types": dropped, as filtersFromUrl drops other values that are not valid.
      if (this.filters.type && !types.some(({ type }) => type === this.filters.type)) this.setFilter('type', '');
      return { me, types, users };
    },
    args: () => [this.baseUrl, this.clientVersion] as const,
  });

  private readonly jobsTask = new Task(this, {
    task: async ([baseUrl, query, , , awaitingMeta], { signal }) => {
      // A user or type filter waits for /me and /job-types, which say whether it may apply (see metaTask).
      if (awaitingMeta) return initialState;
      try {
        const page = await clientFor(baseUrl).listJobs(JSON.parse(query), { signal });
        this.pages.reset(page);
        this.virtualScroll.scrollToTop();
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
        !!(this.filters.user || this.filters.type) &&
          (this.metaTask.status === TaskStatus.INITIAL || this.metaTask.status === TaskStatus.PENDING),
      ] as const,
  });

  /** @internal */
  get client() {
    return clientFor(this.baseUrl);
  }

  /** @internal */
  get rowHeight(): number {
    return this.virtualScroll.rowHeight;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.filters = filtersFromUrl(location.search, this.paramPrefix);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pages.abortAll();
    clearTimeout(this.searchTimer);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // Another API: follow its stream, and forget what was done with the previous one's jobs. Not while
    // disconnected: the stream would outlive the element, and connecting opens the right one anyway.
    if (changed.has('baseUrl') && this.hasUpdated) {
      if (this.isConnected) this.live.restart();
      this.forgetCaller();
    }
  }

  override updated(): void {
    const [start, end] = this.virtualScroll.range();
    if (this.jobsTask.status === TaskStatus.COMPLETE) this.pages.ensure(start, end + overscan * 2);
  }

  override render() {
    const { m } = this.localize;
    const meta = this.metaTask.value;
    const columns = this.columnChoice.visible;
    const [start, end] = this.virtualScroll.range();
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
        toggleColumn: (key, shown) => this.columnChoice.toggle(key, shown),
        refresh: () => this.reload(true),
        toggleLive: () => (this.live.isPaused ? this.live.resume() : this.live.pause()),
      })}
      ${renderStatusBar({
        m,
        jobs: this.jobsTask,
        pages: this.pages,
        quiet: this.quietReload,
        liveStatus: this.liveStatus,
        pending: this.pending,
        showPending: this.showPending,
      })}
      ${this.actions.renderBulkBar()} ${this.actions.renderNotice()}
      <div part="scroller" class="scroller" @scroll=${this.virtualScroll.onScroll}>
        ${this.jobsTask.status === TaskStatus.ERROR ? nothing : renderTable(this, { m, lang: this.localize.lang }, columns, start, end)}
      </div>
      ${this.actions.renderDialog()}
    `;
  }

  private query(cursor: string | null) {
    const query = toQuery(this.filters, this.subject, Math.min(Math.max(this.pageSize, 1), 200));
    if (cursor) query.cursor = cursor;
    return query;
  }

  private readonly onConfigured = (): void => {
    this.clientVersion = configVersion();
    this.forgetCaller();
  };

  /**
   * A new caller (`configure()` with another user's headers) or another API: the selection, the changes counted
   * behind "show" and a confirmation under way were about jobs the new one may not see.
   */
  private forgetCaller(): void {
    this.selection = new Map();
    this.pending = 0;
    this.anchor = undefined;
    this.actions.forget();
  }

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
    return this.virtualScroll.atTop;
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

  /**
   * Opens a job: fires `job-open`, then follows its report URL unless the host cancelled. A click meant for another
   * tab or window is left to the browser.
   */
  open(job: Job, event?: Event): void {
    if (event && !opensInPlace(event)) return;
    const url = this.reportUrlFor(job);
    if (announceJobOpen(this, job, url, event)) return;
    if (url && !(event?.currentTarget instanceof HTMLAnchorElement)) location.assign(url);
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
    this.virtualScroll.scrollRowIntoView(this.activeIndex);
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
