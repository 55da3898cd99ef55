import type { Queryable } from '../../db/types.js';

/**
 * $1 worker id, $2 ids of jobs whose handler returned and that have nothing else to record, $3 when each was
 * claimed (same order).
 *
 * The hot path's last statement: the worker buffers these and ends them together, every `completionFlushMs` or
 * `completionBatchSize` jobs, so 50,000 no-op jobs take 250–500 statements, not 50,000. Only jobs this worker
 * still holds in `job_queue` are ended (a job whose lease expired and went elsewhere is not overwritten), and
 * deleting their queue rows is what takes them. A job that was never marked running gets its host, start and
 * attempt here, so a short job writes its `jobs` row once. One interrupted meanwhile ends `interrupted`. No join:
 * `= any` walks primary keys, `array_position` finds each claim time, and the update is HOT.
 */
export const completeSucceededJobsSql = `
with dequeued as (
  delete from job_queue
  where job_id = any($2::bigint[]) and host = $1::text
  returning job_id
)
update jobs
set status = case when status = 'interrupting' then 'interrupted' else 'succeeded' end,
  host = $1::text, started_at = coalesce(started_at, ($3::timestamptz[])[array_position($2::bigint[], id)]),
  attempt = attempt + (host is null)::integer, ended_at = now(), updated_at = now()
where id = any(array(select job_id from dequeued)) and status in ('queued', 'running', 'interrupting')
returning id`;

/** Ends the plain successes among the jobs this worker holds; returns the ids actually ended. */
export async function completeSucceededJobs(
  db: Queryable,
  workerId: string,
  ids: string[],
  claimedAts: string[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(completeSucceededJobsSql, [workerId, ids, claimedAts], {
    name: 'queue_complete_succeeded_jobs',
  });
  return rows.map((row) => row.id);
}
