import { html, nothing } from 'lit';
import type { JobType, KnownJobStatus, User } from '../../sdk/index.js';
import type { Messages } from '../shared/localize.js';
import { allColumns, type ColumnKey } from './columns.js';
import { maxSearchLength, type TrackerFilters } from './filters.js';

/** What the filter bar shows and whom it tells. */
export interface ToolbarContext {
  m: Messages;
  filters: TrackerFilters;
  /** Null hides the user filter (the caller may not list others' jobs). */
  users: User[] | null;
  types: JobType[];
  columns: readonly ColumnKey[];
  livePaused: boolean;
  /** `debounce` while the user is still typing. */
  setFilter: (key: keyof TrackerFilters, value: string, debounce?: boolean) => void;
  toggleColumn: (key: ColumnKey, shown: boolean) => void;
  refresh: () => void;
  toggleLive: () => void;
}

const knownStatuses: KnownJobStatus[] = ['queued', 'running', 'interrupting', 'succeeded', 'failed', 'interrupted'];

function onValue(context: ToolbarContext, key: keyof TrackerFilters, debounce = false) {
  return (event: Event) =>
    context.setFilter(key, (event.target as HTMLInputElement | HTMLSelectElement).value, debounce);
}

/** The filter bar: status, user, type, date range, search, and the refresh, live and column controls. */
export function renderToolbar(context: ToolbarContext) {
  const { m, filters } = context;
  const option = (value: string, label: string, current: string) =>
    html`<option value=${value} ?selected=${value === current}>${label}</option>`;
  return html`<div part="toolbar" class="toolbar">
    <form part="filters" class="filters" role="search" aria-label=${m.filters} @submit=${(e: Event) => e.preventDefault()}>
      <label
        >${m.statusFilter}
        <select name="status" @change=${onValue(context, 'status')}>
          ${option('all', m.statusAll, filters.status)} ${option('processed', m.statusProcessed, filters.status)}
          ${option('unprocessed', m.statusUnprocessed, filters.status)}
          ${knownStatuses.map((status) => option(status, m.status[status], filters.status))}
        </select>
      </label>
      ${
        context.users
          ? html`<label
              >${m.userFilter}
              <select name="user" @change=${onValue(context, 'user')}>
                ${option('', m.anyUser, filters.user)} ${context.users.map((user) => option(user.id, user.name, filters.user))}
              </select>
            </label>`
          : nothing
      }
      <label
        >${m.typeFilter}
        <select name="type" @change=${onValue(context, 'type')}>
          ${option('', m.anyType, filters.type)} ${context.types.map((type) => option(type.type, type.label, filters.type))}
        </select>
      </label>
      <label>${m.from} <input type="date" name="from" .value=${filters.from} @change=${onValue(context, 'from')} /></label>
      <label>${m.to} <input type="date" name="to" .value=${filters.to} @change=${onValue(context, 'to')} /></label>
      <label
        >${m.search}
        <input type="search" name="q" maxlength=${maxSearchLength} .value=${filters.q} @change=${onValue(context, 'q')} @input=${onValue(context, 'q', true)}
      /></label>
    </form>
    <div class="controls">
      <button part="refresh" type="button" @click=${context.refresh}>${m.refresh}</button>
      <button type="button" aria-pressed=${context.livePaused ? 'true' : 'false'} @click=${context.toggleLive}>
        ${context.livePaused ? m.resumeLive : m.pauseLive}
      </button>
      <details part="columns-menu" class="columns-menu">
        <summary>${m.chooseColumns}</summary>
        <fieldset>
          <legend class="sr-only">${m.chooseColumns}</legend>
          ${allColumns.map(
            (key) => html`<label
              ><input
                type="checkbox"
                name="column"
                value=${key}
                .checked=${context.columns.includes(key)}
                @change=${(e: Event) => context.toggleColumn(key, (e.target as HTMLInputElement).checked)}
              />
              ${m.columns[key]}</label
            >`,
          )}
        </fieldset>
      </details>
    </div>
  </div>`;
}
