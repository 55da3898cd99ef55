import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type RecoveredJobRow = Pick<JobRow, 'id' | 'status' | 'host'>;

/**
 * Jobs whose worker stopped heartbeating (crashed, killed, cut off), found by their lapsed lease. A job with
 * attempts left goes back to the queue, without what the lost attempt reported (its messages since the claim
 * included) but with a warning saying why; otherwise it fails with `lease_expired` (an interrupted one ends
 * `interrupted`). A job its worker had not marked running yet counts the lost attempt the same way. The lease is
 * deleted; the jobs of it that already ended are left as they are. Any worker may run this: SKIP LOCKED keeps two
 * recoveries (and a recovery and the worker's own late completion, which locks the lease) from taking the same
 * lease. `cross join lateral` and `= any(array(…))` keep every access to `jobs` on its primary key.
 */
export async function recoverExpiredLeases(db: Queryable): Promise<RecoveredJobRow[]> {
  const { rows } = await db.query<RecoveredJobRow>(
    `
with expired as (
  delete from job_leases
  where id = any(array(select id from job_leases where lease_expires_at < now() for update skip locked))
  returning worker, claimed_at, lease_expires_at, job_ids
), lost as (
  select j.id, j.status as was, e.worker as lost_host, e.lease_expires_at as expired_at, e.claimed_at,
    j.host is null as unmarked,
    (j.status in ('queued', 'running') and j.attempt + (j.host is null)::integer < j.max_attempts) as retry
  from expired e
  cross join lateral unnest(e.job_ids) as u(job_id)
  cross join lateral (select id, status, host, attempt, max_attempts from jobs where id = u.job_id) j
  where j.status in ('queued', 'running', 'interrupting')
), dropped as (
  -- What the lost attempt reported goes with it when the job runs again: the next attempt reports it again.
  delete from job_messages m
  using lost
  where lost.retry and m.job_id = lost.id and m.at >= lost.claimed_at
  returning m.job_id, m.level
), recovered as (
  update jobs
  set status = case when lost.retry then 'queued' when lost.was = 'interrupting' then 'interrupted' else 'failed' end,
    attempt = jobs.attempt + lost.unmarked::integer,
    ended_at = case when lost.retry then null else now() end,
    started_at = case when lost.retry then null else coalesce(jobs.started_at, lost.claimed_at) end,
    host = case when lost.retry then null else lost.lost_host end,
    last_heartbeat_at = case when lost.retry then null else jobs.last_heartbeat_at end,
    run_after = case when lost.retry then now() else jobs.run_after end,
    -- Queued again, it shows no progress, counters, steps or messages: the next attempt reports its own.
    progress_done = case when lost.retry then 0 else jobs.progress_done end,
    progress_total = case when lost.retry then null else jobs.progress_total end,
    progress_message = case when lost.retry then null else jobs.progress_message end,
    counters = case when lost.retry then '{}' else jobs.counters end,
    steps = case when lost.retry then '[]' else jobs.steps end,
    updated_at = now(),
    error_code = case when lost.retry then null else 'lease_expired' end,
    error_message = case when lost.retry then null else format(
      'Worker %s stopped renewing its lease (expired at %s); the job was abandoned.', lost.lost_host,
      lost.expired_at
    ) end,
    errors = jobs.errors + (not lost.retry)::integer
      - (select count(*) from dropped d where d.job_id = jobs.id and d.level = 'error')::integer,
    warnings = jobs.warnings + lost.retry::integer
      - (select count(*) from dropped d where d.job_id = jobs.id and d.level = 'warning')::integer
  from lost
  where jobs.id = any(array(select id from lost)) and jobs.id = lost.id
  returning jobs.id, jobs.type, jobs.status, jobs.run_after, lost.lost_host as host, jobs.attempt, jobs.max_attempts
), requeued as (
  insert into job_queue (job_id, type, run_after)
  select id, type, run_after from recovered where status = 'queued'
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
