import type { Queryable } from '../../db/types.js';
import type { ClaimedJobRow } from './claimJobs.js';

/**
 * What a handler needs of jobs this worker holds by a lease but has not started: a hand-off whose NOTIFY could not
 * carry the params (over 8000 bytes), or one whose NOTIFY never arrived (found by the heartbeat). Same shape as a
 * claim's rows.
 */
export async function readHeldJobs(db: Queryable, workerId: string, ids: string[]): Promise<ClaimedJobRow[]> {
  const { rows } = await db.query<ClaimedJobRow>(
    `
select j.id, j.type, j.params, j.attempt + (j.host is null)::integer as attempt, j.user_id, j.locale,
  l.id::text as lease_id
from job_leases l
cross join lateral unnest(l.job_ids) as u(job_id)
cross join lateral (select * from jobs where jobs.id = u.job_id) j
where l.worker = $1::text and u.job_id = any($2::bigint[]) and j.status in ('queued', 'running', 'interrupting')`,
    [workerId, ids],
  );
  return rows;
}
