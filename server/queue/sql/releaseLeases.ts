import type { Queryable } from '../../db/types.js';

/**
 * A worker hands back leases it will not run: at shutdown, the jobs it could not finish in time (`leaseIds` null:
 * every lease it still holds, hand-offs it never started included), or a hand-off offered by a stale count. Their
 * unfinished jobs are queued again in their old place, without using up an attempt and without what the stopped
 * run reported (progress, counters, steps, its messages), and other workers are woken; interrupted ones end
 * `interrupted` instead. The leases are deleted. Returns how many jobs went back to the queue.
 */
export async function releaseLeases(db: Queryable, workerId: string, leaseIds: string[] | null): Promise<number> {
  const { rows } = await db.query<{ queued: number }>(
    `
with leases as (
  delete from job_leases
  where id = any(array(
    select id from job_leases
    where worker = $1::text and ($2::bigint[] is null or id = any($2::bigint[]))
    order by id
    for update
  ))
  returning claimed_at, job_ids
), held as (
  select u.job_id, l.claimed_at
  from leases l
  cross join lateral unnest(l.job_ids) as u(job_id)
), dropped as (
  -- What the stopped run reported goes with it: the next run reports it again.
  delete from job_messages m
  using held h
  where m.job_id = h.job_id and m.at >= h.claimed_at
    and exists (select from jobs j where j.id = h.job_id and j.status in ('queued', 'running'))
  returning m.job_id, m.level
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
    -- Queued again, it shows no progress, counters, steps or messages: the attempt that runs it reports its own.
    progress_done = case when status = 'interrupting' then progress_done else 0 end,
    progress_total = case when status = 'interrupting' then progress_total end,
    progress_message = case when status = 'interrupting' then progress_message end,
    counters = case when status = 'interrupting' then counters else '{}' end,
    steps = case when status = 'interrupting' then steps else '[]' end,
    warnings = warnings - (select count(*) from dropped d where d.job_id = jobs.id and d.level = 'warning')::integer,
    errors = errors - (select count(*) from dropped d where d.job_id = jobs.id and d.level = 'error')::integer,
    updated_at = now()
  where id = any(array(select job_id from held)) and status in ('queued', 'running', 'interrupting')
  returning id, type, status, run_after
), requeued as (
  insert into job_queue (job_id, type, run_after)
  select id, type, run_after from released where status = 'queued'
)
select count(*) filter (where status = 'queued')::integer as queued
from released, pg_notify('jobs_queued', '')`,
    [workerId, leaseIds],
  );
  return rows[0]?.queued ?? 0;
}
