import type { Queryable } from '../../db/types.js';

/** The handler ignored the abort past the grace period: the job ends `interrupted` and `forced` without it. */
export async function forceInterruptJob(db: Queryable, workerId: string, jobId: string): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `
with forced as (
  update jobs
  set status = 'interrupted', forced = true, ended_at = now(), updated_at = now(), lease_expires_at = null
  where id = $2::bigint and host = $1::text and status in ('running', 'interrupting')
  returning id
), dequeued as (
  delete from job_queue
  where job_id = any(array(select id from forced))
)
select id from forced`,
    [workerId, jobId],
  );
  return rows.length === 1;
}
