import type { Queryable } from '../../db/types.js';

/** The handler ignored the abort past the grace period: the job ends `interrupted` and `forced` without it. */
export async function forceInterruptJob(
  db: Queryable,
  workerId: string,
  jobId: string,
  claimedAt: string,
): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `
with dequeued as (
  delete from job_queue
  where job_id = $2::bigint and host = $1::text
  returning job_id
)
update jobs
set status = 'interrupted', forced = true, host = $1::text, started_at = coalesce(started_at, $3::timestamptz),
  attempt = attempt + (host is null)::integer, ended_at = now(), updated_at = now()
where id = any(array(select job_id from dequeued)) and status in ('queued', 'running', 'interrupting')
returning id`,
    [workerId, jobId, claimedAt],
  );
  return rows.length === 1;
}
