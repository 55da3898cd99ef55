import type { Queryable } from '../../db/types.js';
import type { ClaimedJobRow } from './claimJobs.js';

/**
 * What a handler needs of jobs this worker holds but has not started: a hand-off whose NOTIFY could not carry the
 * params (over 8000 bytes), or one whose NOTIFY never arrived (found by the heartbeat). Same shape as a claim's rows.
 */
export async function readHeldJobs(db: Queryable, workerId: string, ids: string[]): Promise<ClaimedJobRow[]> {
  const { rows } = await db.query<ClaimedJobRow>(
    `
select j.id, j.type, j.status, j.params, j.attempt + (j.host is null)::integer as attempt, j.max_attempts, j.user_id,
  j.locale, q.claimed_at::text as claimed_at
from job_queue q
cross join lateral (select * from jobs where jobs.id = q.job_id) j
where q.job_id = any($2::bigint[]) and q.host = $1::text and j.status in ('queued', 'running', 'interrupting')`,
    [workerId, ids],
  );
  return rows;
}
