/**
 * One page of the jobs overview, by keyset: the page after a cursor is found by comparing `(sort key, id)`, so
 * its cost does not grow with depth (OFFSET would read and discard every earlier row). The default sort
 * (`-createdAt`) walks `jobs_created_idx (created_at, id)` backwards, or `jobs_user_created_idx` for one owner;
 * see `bench:queue` for the figure at depth 500,000.
 *
 * Sort keys travel in cursors as the database's own text form of the value (`timestamptz::text` keeps the
 * microseconds a JS Date would drop), and are cast back in the comparison.
 */
import type { Queryable } from '../db/types.js';
import { type JobFilters, jobFilterSql } from './jobFilters.js';
import { type JobListRow, jobListJsonArray, jobListRowFromJson } from './rows.js';
import { Params, statementName } from './sql.js';

export type JobSortKey = 'createdAt' | 'startedAt' | 'endedAt' | 'type' | 'user' | 'status';
export type JobSort = JobSortKey | `-${JobSortKey}`;

// Not-yet-started and unfinished jobs sort as if in the future: newest-first lists show them first.
const sortColumns: Record<JobSortKey, { expression: string; type: string }> = {
  createdAt: { expression: 'j.created_at', type: 'timestamptz' },
  startedAt: { expression: `coalesce(j.started_at, 'infinity'::timestamptz)`, type: 'timestamptz' },
  endedAt: { expression: `coalesce(j.ended_at, 'infinity'::timestamptz)`, type: 'timestamptz' },
  type: { expression: 'j.type', type: 'text' },
  user: { expression: 'j.user_name', type: 'text' },
  status: { expression: 'j.status', type: 'text' },
};

/** A position in the list: the sort value (as text) and the job ID of the last row seen. */
export type JobListKey = [sortValue: string, id: string];

export interface JobListPage {
  rows: JobListRow[];
  /** The key to continue after, or null on the last page. */
  nextKey: JobListKey | null;
}

export async function listJobs(
  db: Queryable,
  filters: JobFilters,
  page: { sort?: JobSort; after?: JobListKey | null; limit: number },
): Promise<JobListPage> {
  const { sql, values } = listJobsStatement(filters, page);
  // The overview's most frequent query: planning it each time cost as much as running it (bench:queue).
  const { rows } = await db.query<{ page: string | null }>(sql, values, { name: statementName('list_jobs', sql) });
  const found: unknown[][] = JSON.parse(rows[0]?.page ?? '[]');
  const hasMore = found.length > page.limit;
  const pageRows = (hasMore ? found.slice(0, page.limit) : found).map(jobListRowFromJson);
  const last = pageRows.at(-1);
  const lastSortValue = found[pageRows.length - 1]?.at(-1) as string;
  return { rows: pageRows, nextKey: hasMore && last ? [lastSortValue, last.id] : null };
}

/** The statement of one page (one more row than the page, to know whether another follows). */
export function listJobsStatement(
  filters: JobFilters,
  page: { sort?: JobSort; after?: JobListKey | null; limit: number },
): { sql: string; values: unknown[] } {
  const sort = page.sort ?? '-createdAt';
  const descending = sort.startsWith('-');
  const { expression, type } = sortColumns[sort.replace(/^-/, '') as JobSortKey];
  const direction = descending ? 'desc' : 'asc';
  const params = new Params();
  let where = jobFilterSql(filters, params);
  if (page.after) {
    const [value, id] = page.after;
    where += `\n  and (${expression}, j.id) ${descending ? '<' : '>'} (${params.add(value)}::${type}, ${params.add(id)}::bigint)`;
  }
  // The page travels as one JSON value, each row an array: drivers decode each field of each row on its own (PGlite
  // copies every one out of its WebAssembly memory), and 51 rows of 26 columns took 1.6 ms on PGlite and 0.6 ms on
  // PostgreSQL, against 0.4–0.7 ms for the one value; arrays are half the size of objects and 0.1–0.2 ms quicker
  // (bench:queue, docs/benchmarks.md). The last element of each row is its sort value, for the cursor.
  const sql = `
select json_agg(p.job order by p.sort_key ${direction}, p.id ${direction})::text as page
from (
  select json_build_array(${jobListJsonArray}, (${expression})::text) as job, ${expression} as sort_key, j.id
  from jobs j
  where ${where}
  order by ${expression} ${direction}, j.id ${direction}
  limit ${params.add(page.limit + 1)}::int
) p`;
  return { sql, values: params.values };
}
