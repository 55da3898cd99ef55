import { html, nothing } from 'lit';
import type { BulkAction, Job } from '../../sdk/index.js';
import { cssom } from '../shared/cssom.js';
import type { Messages } from '../shared/localize.js';
import { minTableWidth } from './column-widths.js';
import { type CellContext, type ColumnKey, renderCell, sortKeyOf } from './columns.js';
import type { TrackerFilters } from './filters.js';
import type { JobPages } from './job-pages.js';

/** What the table needs from its element. */
export interface TableHost {
  readonly pages: JobPages;
  readonly selection: ReadonlyMap<string, Job>;
  readonly filters: TrackerFilters;
  readonly theme?: string | undefined;
  readonly timeZone?: string | undefined;
  activeIndex: number;
  readonly rowHeight: number;
  setFilter(key: keyof TrackerFilters, value: string): void;
  toggleSelected(index: number, job: Job, range: boolean): void;
  toggleAllLoaded(select: boolean): void;
  act(action: BulkAction, jobs: Job[]): Promise<void>;
  open(job: Job, event?: Event): void;
  reportUrlFor(job: Job): string;
  focusRow(index: number): Promise<void>;
  activate(index: number): void;
}

const actions: BulkAction[] = ['requeue', 'interrupt', 'delete'];

function nextSort(current: TrackerFilters['sort'], key: TrackerFilters['sort']): TrackerFilters['sort'] {
  if (current === key) return `-${key}` as TrackerFilters['sort'];
  if (current === `-${key}`) return key;
  // Dates read newest first; names and statuses read A to Z.
  return key.endsWith('At') ? (`-${key}` as TrackerFilters['sort']) : key;
}

function onKeydown(host: TableHost, event: KeyboardEvent): void {
  const row = (event.target as HTMLElement).closest('tr');
  if (!row?.dataset.index) return;
  const index = Number(row.dataset.index);
  const onRow = event.target === row;
  const job = host.pages.at(index);
  const page = Math.max(1, Math.floor((row.closest('.scroller')?.clientHeight ?? 400) / host.rowHeight) - 1);
  const moves: Record<string, number> = {
    ArrowDown: index + 1,
    ArrowUp: index - 1,
    PageDown: index + page,
    PageUp: index - page,
    Home: 0,
    End: host.pages.length - 1,
  };
  if (event.key in moves && (onRow || event.key.startsWith('Arrow'))) {
    event.preventDefault();
    host.focusRow(moves[event.key]!);
  } else if (event.key === 'Escape' && !onRow) {
    host.focusRow(index);
  } else if (onRow && job && event.key === ' ') {
    event.preventDefault();
    host.toggleSelected(index, job, event.shiftKey);
  } else if (onRow && job && event.key === 'Enter') {
    host.open(job);
  } else if (onRow && job?.can.delete && event.key === 'Delete') {
    host.act('delete', [job]);
  }
}

/**
 * The table with only the rows near the viewport in the DOM; spacer rows stand in for the others so the
 * scroll bar is true to the whole list. Rows are focusable with a roving tabindex: the active row and its
 * controls are in the tab order, the others are reached with the arrow keys.
 */
export function renderTable(
  host: TableHost,
  locale: { m: Messages; lang: string },
  columns: readonly ColumnKey[],
  start: number,
  end: number,
) {
  const { m } = locale;
  const { pages, selection } = host;
  const loaded = [...pages.loaded()];
  const selectedLoaded = loaded.filter(([, job]) => selection.has(job.id)).length;
  const span = columns.length + 2;
  const context: Omit<CellContext, 'tabIndex'> = {
    ...locale,
    timeZone: host.timeZone,
    now: Date.now(),
    theme: host.theme,
    reportUrl: (job) => host.reportUrlFor(job),
    open: (job, event) => host.open(job, event),
  };
  const rows = [];
  for (let index = start; index < end; index++) {
    const job = pages.at(index);
    const active = index === host.activeIndex;
    const tabIndex = active ? 0 : -1;
    rows.push(
      job
        ? html`<tr
            part="row"
            class=${selection.has(job.id) ? 'selected' : ''}
            data-index=${index}
            aria-rowindex=${index + 2}
            tabindex=${tabIndex}
            @focusin=${() => host.activate(index)}
          >
            <td class="select">
              <input
                type="checkbox"
                tabindex=${tabIndex}
                aria-label=${m.selectJob(job.id)}
                .checked=${selection.has(job.id)}
                @click=${(e: MouseEvent) => host.toggleSelected(index, job, e.shiftKey)}
              />
            </td>
            ${columns.map((key) => html`<td class=${key}>${renderCell(key, job, { ...context, tabIndex })}</td>`)}
            <td class="actions">
              ${actions
                .filter((action) => job.can[action])
                .map(
                  (action) =>
                    html`<button type="button" tabindex=${tabIndex} @click=${() => host.act(action, [job])}>
                      ${m.action[action]}<span class="sr-only"> ${job.id}</span>
                    </button>`,
                )}
            </td>
          </tr>`
        : html`<tr class="placeholder" data-index=${index} aria-rowindex=${index + 2} tabindex=${tabIndex}>
            <td colspan=${span}>${m.loadingMore}</td>
          </tr>`,
    );
  }
  const spacer = (rowCount: number) =>
    rowCount > 0
      ? html`<tr class="spacer" aria-hidden="true">
          <td colspan=${span} ${cssom({ height: `${rowCount * host.rowHeight}px` })}></td>
        </tr>`
      : nothing;
  const total = pages.hasMore ? -1 : pages.length;
  // Wide enough for every chosen column; the scroller scrolls sideways in a narrow pane.
  const minWidth = cssom({ 'min-width': minTableWidth(columns) });
  return html`<table part="table" aria-label=${m.jobs} aria-rowcount=${total < 0 ? -1 : total + 1} ${minWidth}>
    <thead>
      <tr aria-rowindex="1">
        <th class="select" scope="col">
          <input
            type="checkbox"
            aria-label=${m.selectLoaded}
            .checked=${loaded.length > 0 && selectedLoaded === loaded.length}
            .indeterminate=${selectedLoaded > 0 && selectedLoaded < loaded.length}
            @change=${(e: Event) => host.toggleAllLoaded((e.target as HTMLInputElement).checked)}
          />
        </th>
        ${columns.map((key) => {
          const sortKey = sortKeyOf[key];
          const sort = host.filters.sort;
          const direction = sort === sortKey ? 'ascending' : sort === `-${sortKey}` ? 'descending' : undefined;
          return html`<th scope="col" class=${key} aria-sort=${direction ?? nothing}>
            ${
              sortKey
                ? html`<button type="button" class="sort" @click=${() => host.setFilter('sort', nextSort(sort, sortKey))}>
                    ${m.columns[key]}<span aria-hidden="true">${direction === 'ascending' ? ' ▲' : direction ? ' ▼' : ''}</span>
                  </button>`
                : m.columns[key]
            }
          </th>`;
        })}
        <th scope="col" class="actions">${m.actionsColumn}</th>
      </tr>
    </thead>
    <tbody @keydown=${(e: KeyboardEvent) => onKeydown(host, e)}>
      ${spacer(start)} ${rows} ${spacer(pages.length - end)}
      ${
        pages.error
          ? html`<tr>
              <td colspan=${span} role="alert">
                ${m.loadFailed} <button type="button" @click=${() => pages.retry()}>${m.retry}</button>
              </td>
            </tr>`
          : pages.loading && pages.hasMore && end >= pages.length
            ? html`<tr>
                <td colspan=${span} role="status">${m.loadingMore}</td>
              </tr>`
            : nothing
      }
    </tbody>
  </table>`;
}
