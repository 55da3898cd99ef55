import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type RecoveredJobRow = Pick<JobRow, 'id' | 'status' | 'host'>;

/**
 * Jobs whose worker stopped heartbeating (crashed, killed, cut off), found by their lapsed lease in `job_queue`.
 * A job with attempts left goes back to the queue; otherwise it fails with `lease_expired` (an interrupted one ends
 * `interrupted`). A job its worker had not marked running yet counts the lost attempt the same way. Any worker may
 * run this: SKIP LOCKED keeps two recoveries (and a recovery and the worker's own late completion) from touching
 * the same job. Queue rows whose job already ended are dropped. `cross join lateral` and `= any(array(…))` keep
 * every access to `jobs` on its primary key.
 */
export async function recoverExpiredLeases(db: Queryable): Promise<RecoveredJobRow[]> {
  const { rows } = await db.query<RecoveredJobRow>(
    `
with expired as (
  select job_id, host, claimed_at, lease_expires_at
  from job_queue
  where host is not null and lease_expires_at < now()
  for update skip locked
), lost as (
  select j.id, j.status as was, e.host as lost_host, e.lease_expires_at as expired_at, e.claimed_at,
    j.host is null as unmarked,
    (j.status in ('queued', 'running') and j.attempt + (j.host is null)::integer < j.max_attempts) as retry
  from expired e
  cross join lateral (select id, status, host, attempt, max_attempts from jobs where id = e.job_id) j
  where j.status in ('queued', 'running', 'interrupting')
), recovered as (
  update jobs
  set status = case when lost.retry then 'queued' when lost.was = 'interrupting' then 'interrupted' else 'failed' end,
    attempt = jobs.attempt + lost.unmarked::integer,
    ended_at = case when lost.retry then null else now() end,
    started_at = case when lost.retry then null else coalesce(jobs.started_at, lost.claimed_at) end,
    host = case when lost.retry then null else lost.lost_host end,
    last_heartbeat_at = case when lost.retry then null else jobs.last_heartbeat_at end,
    run_after = case when lost.retry then now() else jobs.run_after end,
    updated_at = now(),
    error_code = case when lost.retry then null else 'lease_expired' end,
    error_message = case when lost.retry then null else format(
      'Worker %s stopped renewing its lease (expired at %s); the job was abandoned.', lost.lost_host,
      lost.expired_at
    ) end,
    errors = jobs.errors + (not lost.retry)::integer,
    warnings = jobs.warnings + lost.retry::integer
  from lost
  where jobs.id = any(array(select id from lost)) and jobs.id = lost.id
  returning jobs.id, jobs.status, lost.lost_host as host, jobs.attempt, jobs.max_attempts
), requeued as (
  update job_queue
  set host = null, claimed_at = null, lease_expires_at = null, run_after = now()
  where job_id = any(array(select id from recovered where status = 'queued'))
), dequeued as (
  delete from job_queue
  where job_id = any(array(select job_id from expired except all select id from recovered where status = 'queued'))
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
