import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type ClaimedJobRow = Pick<
  JobRow,
  'id' | 'type' | 'status' | 'params' | 'attempt' | 'max_attempts' | 'user_id' | 'locale'
> & {
  /** When the claim took the job (the database's clock, as text to keep microseconds): its `started_at`. */
  claimed_at: string;
};

/**
 * $1 worker id, $2 job types it runs, $3 lease in ms, $4 slots the worker has free before this claim; the batch
 * size is written into the SQL: with `limit $n` PostgreSQL planned the claim afresh on every execution
 * (pg_prepared_statements: 30 custom plans of 30, ~1 ms of planning per claim, as much as running it), with a
 * constant it keeps one generic plan per connection.
 *
 * The scan walks `job_queue` (waiting jobs only, so history costs nothing) with SKIP LOCKED, so any number of
 * workers claim at once without waiting on each other. The claim is written to `job_queue` alone (host, time,
 * lease): `jobs` is only read, so the claim fires none of the live-event triggers on `jobs` and leaves no new
 * version of a wide row. The worker marks the job running in `jobs` later if it runs long enough to be seen
 * (markJobsRunning), otherwise its completion writes start and end at once. `attempt` is the attempt this claim
 * starts. A row whose job is no longer queued (interrupted or deleted while waiting) is dropped here. A claim that
 * comes back short found the queue empty: the worker offers its remaining slots for hand-off (006_claims_in_job_queue
 * .sql), so the next single job queued goes straight to it; a full claim withdraws the offer.
 * `= any(array(…))` keeps every access on primary keys: with `from picked` PGlite's planner hash-joined a
 * sequential scan of `jobs` (15 ms per claim at 10,000 rows).
 */
export const claimJobsSql = (limit: number) => `
with picked as (
  select job_id
  from job_queue
  where host is null and run_after <= now() and type = any($2::text[])
  order by run_after, job_id
  limit ${limit}
  for update skip locked
), claimed as (
  select id, type, status, params, attempt + 1 as attempt, max_attempts, user_id, locale
  from jobs
  where id = any(array(select job_id from picked)) and status = 'queued'
), held as (
  update job_queue
  set host = $1::text, claimed_at = now(), lease_expires_at = now() + $3::integer * interval '1 millisecond'
  where job_id = any(array(select id from claimed))
), stale as (
  delete from job_queue
  where job_id = any(array(select job_id from picked except all select id from claimed))
), offer as (
  -- Short of the batch by picking, not by stale rows: only then is the queue empty for this worker.
  select case when (select count(*) from picked) < ${limit} then $4::integer - count(*)::integer else 0 end
    as free_slots
  from claimed
), offered as (
  update workers
  set free_slots = offer.free_slots, job_types = $2::text[], lease_ms = $3::integer
  from offer
  where workers.id = $1::text
    and (workers.free_slots, workers.job_types, workers.lease_ms) is distinct from (offer.free_slots, $2::text[], $3::integer)
)
select claimed.*, now()::text as claimed_at from claimed`;

/**
 * Takes up to `limit` due jobs of the given types for `workerId`, oldest first; their lease starts now. Short of
 * `limit`, it offers `freeSlots` less what it took for hand-off.
 */
export async function claimJobs(
  db: Queryable,
  workerId: string,
  types: string[],
  limit: number,
  leaseMs: number,
  freeSlots: number,
): Promise<ClaimedJobRow[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A claim takes at least one job, not ${limit}`);
  const { rows } = await db.query<ClaimedJobRow>(claimJobsSql(limit), [workerId, types, leaseMs, freeSlots], {
    name: `queue_claim_jobs_${limit}`,
  });
  return rows;
}
