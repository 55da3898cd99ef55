import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

/**
 * A job of a renewed lease, with its status; or, with `lease_id` set, a job held by a lease of this worker that it
 * did not list (see below).
 */
export type HeldJobRow = Pick<JobRow, 'id' | 'status'> & { lease_id: string | null };

/**
 * Says the worker is alive and extends its leases ($4), in one round trip; `jobs` shows the heartbeat of the jobs
 * it runs ($2) that are marked running. The rows returned without a lease id are the running jobs whose lease was
 * renewed, with their status: a missing one was taken away (lease recovered), an `interrupting` one was
 * interrupted even if the NOTIFY was missed. Rows with a lease id are the unfinished jobs of this worker's leases
 * that it did not list: hand-offs whose NOTIFY it never heard (a dropped listening connection), which it then
 * starts instead of letting their lease lapse. Leases are locked in id order (see leases.ts).
 */
export async function heartbeat(
  db: Queryable,
  workerId: string,
  jobIds: string[],
  leaseMs: number,
  leaseIds: string[],
): Promise<HeldJobRow[]> {
  const { rows } = await db.query<HeldJobRow>(
    `
with seen as (
  insert into workers (id) values ($1::text)
  on conflict (id) do update set last_seen_at = now()
), renewed as (
  update job_leases
  set lease_expires_at = now() + $3::integer * interval '1 millisecond'
  where id = any(array(
    select id from job_leases where id = any($4::bigint[]) and worker = $1::text order by id for no key update
  ))
  returning job_ids
), running as (
  select id, status from jobs
  where id = any(array(
    select u.job_id from renewed cross join lateral unnest(renewed.job_ids) as u(job_id)
    join unnest($2::bigint[]) as listed(id) on listed.id = u.job_id
  ))
), shown as (
  update jobs
  set last_heartbeat_at = now()
  where id = any(array(select id from running)) and host = $1::text and status in ('running', 'interrupting')
)
select id, status, null as lease_id from running
union all
select j.id, j.status, l.id::text
from job_leases l
cross join lateral unnest(l.job_ids) as u(job_id)
cross join lateral (select id, status from jobs where id = u.job_id) j
where l.worker = $1::text and l.id <> all($4::bigint[]) and j.status in ('queued', 'running', 'interrupting')`,
    [workerId, jobIds, leaseMs, leaseIds],
  );
  return rows;
}
