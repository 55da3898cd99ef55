import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

/** `status` null: held by this worker in `job_queue` but not among the jobs it said it runs (see below). */
export type HeldJobRow = Pick<JobRow, 'id'> & { status: JobRow['status'] | null };

/**
 * Says the worker is alive and extends the lease of the jobs it runs, in one round trip. Leases live in
 * `job_queue`; `jobs` shows the heartbeat of jobs marked running. The rows returned are the jobs it still holds,
 * with their status: a missing one was taken away (lease recovered), an `interrupting` one was interrupted even if
 * the NOTIFY was missed. Jobs held by this worker that it did not list come back with a null status: hand-offs whose
 * NOTIFY it never heard (a dropped listening connection), which it then starts instead of letting their lease lapse.
 */
export async function heartbeat(
  db: Queryable,
  workerId: string,
  jobIds: string[],
  leaseMs: number,
): Promise<HeldJobRow[]> {
  const { rows } = await db.query<HeldJobRow>(
    `
with seen as (
  insert into workers (id) values ($1::text)
  on conflict (id) do update set last_seen_at = now()
), renewed as (
  update job_queue
  set lease_expires_at = now() + $3::integer * interval '1 millisecond'
  where job_id = any($2::bigint[]) and host = $1::text
  returning job_id
), shown as (
  update jobs
  set last_heartbeat_at = now()
  where id = any(array(select job_id from renewed)) and host = $1::text and status in ('running', 'interrupting')
)
select id, status from jobs where id = any(array(select job_id from renewed))
union all
select job_id, null from job_queue where host = $1::text and job_id <> all($2::bigint[])`,
    [workerId, jobIds, leaseMs],
  );
  return rows;
}
