import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type HeldJobRow = Pick<JobRow, 'id' | 'status'>;

/**
 * Says the worker is alive and extends the lease of the jobs it runs, in one round trip. Leases live in
 * `job_queue`; `jobs` shows the heartbeat of jobs marked running. The rows returned are the jobs it still holds,
 * with their status: a missing one was taken away (lease recovered), an `interrupting` one was interrupted even if
 * the NOTIFY was missed.
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
select id, status from jobs where id = any(array(select job_id from renewed))`,
    [workerId, jobIds, leaseMs],
  );
  return rows;
}
