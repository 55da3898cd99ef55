import type { Queryable } from '../db/types.js';
import type { CappedCount } from './countJobs.js';
import { type JobFilters, jobFilterSql } from './jobFilters.js';
import { Params } from './sql.js';

export interface Facet {
  value: string;
  count: CappedCount;
}

/**
 * Capped counts per value of `column` (status or type) under the filters. Each value's count reads at most
 * `cap + 1` rows, so the chips cost a bounded amount however large the history.
 */
export async function jobFacets(
  db: Queryable,
  filters: JobFilters,
  column: 'status' | 'type',
  values: readonly string[],
  cap: number,
): Promise<Facet[]> {
  const params = new Params();
  const where = jobFilterSql(filters, params);
  const { rows } = await db.query<{ value: string; n: number }>(
    `
select v.value, (
  select count(*)::int from (
    select 1 from jobs j where j.${column} = v.value and ${where} limit ${params.add(cap + 1)}::int
  ) matching
) as n
from unnest(${params.add(values)}::text[]) as v(value)`,
    params.values,
  );
  return rows
    .filter((row) => row.n > 0)
    .map((row) => ({
      value: row.value,
      count: row.n > cap ? { value: cap, exact: false } : { value: row.n, exact: true },
    }));
}
