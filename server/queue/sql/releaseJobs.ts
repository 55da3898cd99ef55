import type { Queryable } from '../../db/types.js';

/**
 * A worker shutting down hands back the jobs it could not finish in time: they are queued again without using up
 * an attempt (and other workers are woken). Interrupted ones end `interrupted` instead. Returns how many went back
 * to the queue.
 */
export async function releaseJobs(db: Queryable, workerId: string, jobIds: string[]): Promise<number> {
  const { rows } = await db.query<{ queued: number }>(
    `
with released as (
  update jobs
  set status = case when status = 'interrupting' then 'interrupted' else 'queued' end,
    ended_at = case when status = 'interrupting' then now() end,
    started_at = case when status = 'interrupting' then started_at end,
    host = case when status = 'interrupting' then host end,
    attempt = case when status = 'interrupting' then attempt else attempt - 1 end,
    lease_expires_at = null, updated_at = now()
  where id = any($2::bigint[]) and host = $1::text and status in ('running', 'interrupting')
  returning id, status
), requeued as (
  update job_queue
  set host = null
  where job_id = any(array(select id from released where status = 'queued'))
), dequeued as (
  delete from job_queue
  where job_id = any(array(select id from released where status <> 'queued'))
)
select count(*) filter (where status = 'queued')::integer as queued
from released, pg_notify('jobs_queued', '')`,
    [workerId, jobIds],
  );
  return rows[0]?.queued ?? 0;
}
