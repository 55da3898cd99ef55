import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type ClaimedJobRow = Pick<
  JobRow,
  'id' | 'type' | 'status' | 'params' | 'attempt' | 'max_attempts' | 'user_id' | 'locale'
>;

/**
 * $1 worker id, $2 job types it runs, $3 how many, $4 lease in ms.
 *
 * The scan walks `job_queue` (waiting jobs only, so history costs nothing) with SKIP LOCKED, so any number of
 * workers claim at once without waiting on each other. The update of `jobs` is HOT: no index on `jobs` covers a
 * column it changes. Chosen with bench:queue (PostgreSQL, 2 cores, no-op jobs, events off; pgbench with 2 clients
 * doing claim + complete of 100): claiming through partial indexes on `jobs` itself (`where status = 'queued'`)
 * made every update non-HOT, 10,000 jobs/s; this table, 24,700 jobs/s. A row whose job is no longer queued
 * (interrupted or deleted while waiting) is dropped here. `= any(array(…))` keeps the joins on primary keys:
 * with `from picked` PGlite's planner hash-joined a sequential scan of `jobs` (15 ms per claim at 10,000 rows).
 */
export const claimJobsSql = `
with picked as (
  select job_id
  from job_queue
  where host is null and run_after <= now() and type = any($2::text[])
  order by run_after, job_id
  limit $3::integer
  for update skip locked
), started as (
  update jobs
  set status = 'running', host = $1::text, started_at = now(), updated_at = now(), attempt = jobs.attempt + 1,
    last_heartbeat_at = now(), lease_expires_at = now() + $4::integer * interval '1 millisecond'
  where jobs.id = any(array(select job_id from picked)) and jobs.status = 'queued'
  returning jobs.id, jobs.type, jobs.status, jobs.params, jobs.attempt, jobs.max_attempts, jobs.user_id, jobs.locale
), held as (
  update job_queue
  set host = $1::text
  where job_id = any(array(select id from started))
), stale as (
  delete from job_queue
  where job_id = any(array(select job_id from picked except all select id from started))
)
select * from started`;

/** Takes up to `limit` due jobs of the given types for `workerId`, oldest first; their lease starts now. */
export async function claimJobs(
  db: Queryable,
  workerId: string,
  types: string[],
  limit: number,
  leaseMs: number,
): Promise<ClaimedJobRow[]> {
  const { rows } = await db.query<ClaimedJobRow>(claimJobsSql, [workerId, types, limit, leaseMs], {
    name: 'queue_claim_jobs',
  });
  return rows;
}
