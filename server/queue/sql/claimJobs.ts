import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

/** What a handler's context needs of a job it starts. */
export type ClaimedJobRow = Pick<JobRow, 'id' | 'type' | 'params' | 'attempt' | 'user_id' | 'locale'> & {
  /** The `job_leases` row that holds the job for its worker (its `claimed_at` is the job's start). */
  lease_id: string;
};

/**
 * $1 worker id, $2 job types it runs, $3 lease in ms, $4 slots the worker has free before this claim, $5 the
 * advisory lock its LISTEN connection holds (010_hand_off_to_live_workers.sql: an offer of a dead worker is passed over).
 * The batch size is written into the SQL: with `limit $n` PostgreSQL planned the claim afresh on every execution
 * (pg_prepared_statements: 30 custom plans of 30, ~1 ms of planning per claim, as much as running it), with a
 * constant it keeps one generic plan per connection.
 *
 * The scan walks `job_queue` (waiting jobs only, so history costs nothing) with SKIP LOCKED, so any number of
 * workers claim at once without waiting on each other. The claim deletes the queue rows it takes and writes one
 * `job_leases` row for all of them (007_claims_into_leases.sql): `jobs` is only read, so the claim fires none of
 * the live-event triggers on `jobs` and leaves no new version of a wide row. The worker marks a job running in
 * `jobs` later if it runs long enough to be seen (markJobsRunning), otherwise its completion writes start and end
 * at once. `attempt` is the attempt this claim starts. A queue row whose job is no longer queued (interrupted or
 * deleted while waiting) is deleted with the others and leased to nobody. A claim that comes back short found the
 * queue empty: the worker offers its remaining slots for hand-off (006_claims_in_job_queue.sql), so the next single
 * job queued goes straight to it; a full claim withdraws the offer.
 * `= any(array(…))` keeps every access on primary keys: with `from picked` PGlite's planner hash-joined a
 * sequential scan of `jobs` (15 ms per claim at 10,000 rows).
 */
export const claimJobsSql = (limit: number) => `
with picked as (
  select job_id
  from job_queue
  where run_after <= now() and type = any($2::text[])
  order by run_after, job_id
  limit ${limit}
  for update skip locked
), taken as (
  delete from job_queue
  where job_id = any(array(select job_id from picked))
  returning job_id
), claimed as (
  select id, type, params, attempt + 1 as attempt, user_id, locale
  from jobs
  where id = any(array(select job_id from taken)) and status = 'queued'
), lease as (
  insert into job_leases (worker, lease_expires_at, job_ids)
  select $1::text, now() + $3::integer * interval '1 millisecond', array(select id from claimed)
  where exists (select from claimed)
  returning id
), offer as (
  -- Short of the batch by picking, not by stale rows: only then is the queue empty for this worker.
  select case when (select count(*) from picked) < ${limit} then $4::integer - count(*)::integer else 0 end
    as free_slots
  from claimed
), offered as (
  update workers
  set free_slots = offer.free_slots, job_types = $2::text[], lease_ms = $3::integer, listener_lock = $5::bigint
  from offer
  where workers.id = $1::text
    and (workers.free_slots, workers.job_types, workers.lease_ms, workers.listener_lock)
      is distinct from (offer.free_slots, $2::text[], $3::integer, $5::bigint)
)
select claimed.*, (select id::text from lease) as lease_id from claimed`;

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
  livenessKey: string | null = null,
): Promise<ClaimedJobRow[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A claim takes at least one job, not ${limit}`);
  const params = [workerId, types, leaseMs, freeSlots, livenessKey];
  const { rows } = await db.query<ClaimedJobRow>(claimJobsSql(limit), params, {
    name: `queue_claim_jobs_${limit}`,
  });
  return rows;
}
