import type { ListJobsQuery } from '../../sdk/index.js';

export type StatusGroup = 'all' | 'processed' | 'unprocessed';

/** What the user filters and sorts by; each field is one URL query parameter. */
export interface TrackerFilters {
  status: string;
  user: string;
  type: string;
  q: string;
  /** `yyyy-mm-dd`, the first day shown. */
  from: string;
  /** `yyyy-mm-dd`, the last day shown (inclusive). */
  to: string;
  sort: NonNullable<ListJobsQuery['sort']>;
}

export const defaultFilters: TrackerFilters = {
  status: 'all',
  user: '',
  type: '',
  q: '',
  from: '',
  to: '',
  sort: '-createdAt',
};

/** The longest search `GET /jobs` takes (its `q` parameter); a longer one is refused with a 400. */
export const maxSearchLength = 200;

const keys = Object.keys(defaultFilters) as Array<keyof TrackerFilters>;
const sortKeys = new Set(['createdAt', 'startedAt', 'endedAt', 'type', 'user', 'status']);
const statuses = new Set([
  'all',
  'processed',
  'unprocessed',
  'queued',
  'running',
  'interrupting',
  'succeeded',
  'failed',
  'interrupted',
]);
/**
 * Whether a value is a `yyyy-mm-dd` day of the calendar. A URL edited by hand can hold `2026-13-45`, which `Date`
 * cannot turn into an instant (the query would throw and the tracker would stay blank), or `2026-02-30`, which it
 * silently moves into March.
 */
function isDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, date] = match.slice(1).map(Number) as [number, number, number];
  const parsed = new Date(year, month - 1, date);
  return parsed.getFullYear() === year && parsed.getMonth() === month - 1 && parsed.getDate() === date;
}

/** Reads the filters from the page URL; a value that is not valid falls back to its default. */
export function filtersFromUrl(search: string, prefix: string): TrackerFilters {
  const params = new URLSearchParams(search);
  const read = (key: keyof TrackerFilters) => params.get(prefix + key) ?? '';
  const sort = read('sort');
  return {
    status: statuses.has(read('status')) ? read('status') : 'all',
    user: read('user'),
    type: read('type'),
    q: read('q').slice(0, maxSearchLength),
    from: isDay(read('from')) ? read('from') : '',
    to: isDay(read('to')) ? read('to') : '',
    sort: sortKeys.has(sort.replace(/^-/, '')) ? (sort as TrackerFilters['sort']) : defaultFilters.sort,
  };
}

/**
 * Writes the filters into the page URL with `replaceState` (no history entry per keystroke), leaving the host's
 * own parameters alone; defaults are left out so a plain view keeps a plain URL.
 */
export function writeFiltersToUrl(filters: TrackerFilters, prefix: string): void {
  const url = new URL(location.href);
  for (const key of keys) {
    if (filters[key] && filters[key] !== defaultFilters[key]) url.searchParams.set(prefix + key, filters[key]);
    else url.searchParams.delete(prefix + key);
  }
  if (url.href !== location.href) history.replaceState(history.state, '', url);
}

/** Midnight at the start of a local day, as an instant. */
function startOfDay(value: string, addDays = 0): string {
  const date = new Date(`${value}T00:00:00`);
  date.setDate(date.getDate() + addDays);
  return date.toISOString();
}

/** The `GET /jobs` query for the filters. */
export function toQuery(filters: TrackerFilters, subject: string | undefined, limit: number): ListJobsQuery {
  const query: ListJobsQuery = { sort: filters.sort, limit };
  if (filters.status !== 'all') query.status = [filters.status as NonNullable<ListJobsQuery['status']>[number]];
  if (filters.user) query.user = [filters.user];
  if (filters.type) query.type = [filters.type];
  const q = filters.q.trim().slice(0, maxSearchLength);
  if (q) query.q = q;
  if (filters.from) query.from = startOfDay(filters.from);
  // The contract's `to` is exclusive; the user picked the last day they want to see.
  if (filters.to) query.to = startOfDay(filters.to, 1);
  if (subject) query.subject = subject;
  return query;
}
