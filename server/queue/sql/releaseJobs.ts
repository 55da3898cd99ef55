import type { Queryable } from '../../db/types.js';

/**
 * A worker shutting down hands back the jobs it could not finish in time: they are queued again without using up
 * an attempt (and other workers are woken). Interrupted ones end `interrupted` instead. Returns how many went back
 * to the queue. `jobIds` null: every job the worker still holds, hand-offs it never started included.
 */
export async function releaseJobs(db: Queryable, workerId: string, jobIds: string[] | null): Promise<number> {
  const { rows } = await db.query<{ queued: number }>(
    `
with held as (
  select job_id, claimed_at
  from job_queue
  where host = $1::text and ($2::bigint[] is null or job_id = any($2::bigint[]))
  for update
), released as (
  update jobs
  set status = case when status = 'interrupting' then 'interrupted' else 'queued' end,
    ended_at = case when status = 'interrupting' then now() end,
    started_at = case when status = 'interrupting'
      then coalesce(started_at, (select claimed_at from held where held.job_id = jobs.id)) end,
    host = case when status = 'interrupting' then $1::text end,
    attempt = case when status = 'interrupting' then attempt + (host is null)::integer
      else attempt - (host is not null)::integer end,
    last_heartbeat_at = case when status = 'interrupting' then last_heartbeat_at end,
    updated_at = now()
  where id = any(array(select job_id from held)) and status in ('queued', 'running', 'interrupting')
  returning id, status
), requeued as (
  update job_queue
  set host = null, claimed_at = null, lease_expires_at = null
  where job_id = any(array(select id from released where status = 'queued'))
), dequeued as (
  delete from job_queue
  where job_id = any(array(select job_id from held except all select id from released where status = 'queued'))
)
select count(*) filter (where status = 'queued')::integer as queued
from released, pg_notify('jobs_queued', '')`,
    [workerId, jobIds],
  );
  return rows[0]?.queued ?? 0;
}
