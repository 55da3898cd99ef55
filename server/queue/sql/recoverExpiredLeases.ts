import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type RecoveredJobRow = Pick<JobRow, 'id' | 'status' | 'host'>;

/**
 * Jobs whose worker stopped heartbeating (crashed, killed, cut off). A job with attempts left goes back to the
 * queue; otherwise it fails with `lease_expired` (an interrupted one ends `interrupted`). Any worker may run this:
 * SKIP LOCKED keeps two recoveries from touching the same job. Held jobs are found through `job_queue`, so the
 * look costs nothing when no job is running.
 */
export async function recoverExpiredLeases(db: Queryable): Promise<RecoveredJobRow[]> {
  const { rows } = await db.query<RecoveredJobRow>(
    `
with expired as (
  select id, status as was, host as lost_host, lease_expires_at as expired_at,
    (status = 'running' and attempt < max_attempts) as retry
  from jobs
  where id = any(array(select job_id from job_queue where host is not null))
    and status in ('running', 'interrupting') and lease_expires_at < now()
  for update skip locked
), recovered as (
  update jobs
  set status = case when expired.retry then 'queued' when expired.was = 'interrupting' then 'interrupted' else 'failed' end,
    ended_at = case when expired.retry then null else now() end,
    started_at = case when expired.retry then null else jobs.started_at end,
    host = case when expired.retry then null else jobs.host end,
    run_after = case when expired.retry then now() else jobs.run_after end,
    lease_expires_at = null, updated_at = now(),
    error_code = case when expired.retry then null else 'lease_expired' end,
    error_message = case when expired.retry then null else format(
      'Worker %s stopped renewing its lease (expired at %s); the job was abandoned.', expired.lost_host,
      expired.expired_at
    ) end,
    errors = jobs.errors + (not expired.retry)::integer,
    warnings = jobs.warnings + expired.retry::integer
  from expired
  where jobs.id = expired.id
  returning jobs.id, jobs.status, expired.lost_host as host, jobs.attempt, jobs.max_attempts
), requeued as (
  update job_queue
  set host = null, run_after = now()
  where job_id = any(array(select id from recovered where status = 'queued'))
), dequeued as (
  delete from job_queue
  where job_id = any(array(select id from recovered where status <> 'queued'))
), messages as (
  insert into job_messages (job_id, level, message)
  select id, case when status = 'queued' then 'warning' else 'error' end,
    case when status = 'queued' then format(
      'Worker %s stopped renewing its lease during attempt %s of %s; the job was queued again.', host, attempt,
      max_attempts
    ) else format('Worker %s stopped renewing its lease; the job was abandoned (lease_expired).', host) end
  from recovered
)
-- Other processes' idle workers pick up what went back to the queue.
select recovered.id, recovered.status, recovered.host
from recovered
left join lateral (select pg_notify('jobs_queued', '') where recovered.status = 'queued') as wake on true`,
  );
  return rows;
}
