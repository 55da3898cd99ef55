import type { Queryable } from '../../db/types.js';
import { heldByLeases, whereHeld } from './leases.js';

/**
 * $1 worker id, $2 ids of jobs it claimed and still runs, $3 always empty (no lease ends here), $4 the leases that
 * hold them.
 *
 * A claim writes no `jobs` row; this is when `jobs` shows the job running: for jobs still running a moment after
 * their claim, and before a handler's first report. Jobs that end sooner never come here (their completion writes
 * start and end at once). Only jobs this worker still holds by a lease are touched (leases.ts), and only once (a
 * marked job has its host); one interrupted meanwhile stays `interrupting`.
 */
export async function markJobsRunning(
  db: Queryable,
  workerId: string,
  ids: string[],
  leaseIds: string[],
): Promise<void> {
  await db.query(
    `
with ${heldByLeases}
update jobs
set status = case when jobs.status = 'queued' then 'running' else jobs.status end, host = $1::text,
  started_at = held.claimed_at, attempt = jobs.attempt + 1, last_heartbeat_at = now(), updated_at = now()
from held
where ${whereHeld} and jobs.host is null and jobs.status in ('queued', 'interrupting')`,
    [workerId, ids, [], leaseIds],
    { name: 'queue_mark_jobs_running' },
  );
}
