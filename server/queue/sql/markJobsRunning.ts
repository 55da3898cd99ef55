import type { Queryable } from '../../db/types.js';

/**
 * $1 worker id, $2 ids of jobs it claimed and still runs, $3 when each was claimed (same order).
 *
 * A claim writes only `job_queue`; this is when `jobs` shows the job running: for jobs still running a moment
 * after their claim, and before a handler's first report. Jobs that end sooner never come here (their completion
 * writes start and end at once). Only jobs this worker still holds in `job_queue` are touched, and only once (a
 * marked job has its host); one interrupted meanwhile stays `interrupting`.
 */
export async function markJobsRunning(
  db: Queryable,
  workerId: string,
  ids: string[],
  claimedAts: string[],
): Promise<void> {
  await db.query(
    `
update jobs
set status = case when status = 'queued' then 'running' else status end, host = $1::text,
  started_at = ($3::timestamptz[])[array_position($2::bigint[], id)], attempt = attempt + 1,
  last_heartbeat_at = now(), updated_at = now()
where id = any(array(select job_id from job_queue where job_id = any($2::bigint[]) and host = $1::text))
  and host is null and status in ('queued', 'interrupting')`,
    [workerId, ids, claimedAts],
    { name: 'queue_mark_jobs_running' },
  );
}
