import type { Queryable } from '../db/types.js';
import { type JobFilters, jobFilterSql } from './jobFilters.js';
import { Params } from './sql.js';

export interface CappedCount {
  value: number;
  exact: boolean;
}

/**
 * Counts matching jobs, reading at most `cap + 1` rows: a total over millions of rows would cost more than the
 * page it sits next to, and "10,000+" tells a person as much.
 */
export async function countJobs(db: Queryable, filters: JobFilters, cap: number): Promise<CappedCount> {
  const params = new Params();
  const where = jobFilterSql(filters, params);
  const { rows } = await db.query<{ n: number }>(
    `
select count(*)::int as n
from (select 1 from jobs j where ${where} limit ${params.add(cap + 1)}::int) matching`,
    params.values,
  );
  const n = rows[0]!.n;
  return n > cap ? { value: cap, exact: false } : { value: n, exact: true };
}
