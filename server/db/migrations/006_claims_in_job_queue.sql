-- A claim writes only `job_queue`: which worker holds the job, since when, and until when its lease runs. `jobs`
-- learns that a job runs when its worker marks it (server/queue/sql/markJobsRunning.ts: after a few milliseconds,
-- or before the handler's first report), or at its end for a job that ends sooner: a no-op job writes its `jobs`
-- row once instead of twice, and makes two live events instead of three (bench:queue, docs/benchmarks.md).
-- While held and unmarked, a job reads `queued` with no host in `jobs`; `job_queue.host` is the truth.
alter table job_queue
  add column claimed_at timestamptz,
  add column lease_expires_at timestamptz;

update job_queue q
set claimed_at = coalesce(j.started_at, now()), lease_expires_at = coalesce(j.lease_expires_at, now())
from jobs j
where j.id = q.job_id and q.host is not null;

-- Recovery looks for lapsed leases among held rows only.
drop index job_queue_held_idx;
create index job_queue_lease_idx on job_queue (lease_expires_at) where host is not null;

-- Leases live in job_queue now.
alter table jobs drop column lease_expires_at;

-- Hand-off: an idle worker offers free slots (set by its claims, server/queue/sql/claimJobs.ts). A statement that
-- queues one job that is due now gives it to such a worker right here: the queue row is written already held, and
-- the NOTIFY `jobs_handed_over` carries what the handler needs, so the worker starts it without a claim round trip
-- (bench:queue, enqueue→start latency). Bulk inserts, jobs not yet due and moments with no idle worker take the
-- usual way: NOTIFY `jobs_queued`, then a claim. A worker not seen within its lease is offered nothing.
alter table workers
  add column job_types text[] not null default '{}',
  add column free_slots integer not null default 0,
  add column lease_ms integer not null default 30000;

create or replace function jobs_enqueue() returns trigger language plpgsql
set search_path from current as $$
declare
  queued integer;
  job record;
  taker record;
  payload text;
begin
  select count(*) into queued from new_jobs where status = 'queued';
  if queued = 0 then
    return null;
  end if;
  if queued = 1 then
    select n.* into job from new_jobs n where n.status = 'queued' and n.run_after <= now();
    if found then
      update workers w
      set free_slots = w.free_slots - 1
      where w.id = (
        select id from workers
        where free_slots > 0 and job.type = any(job_types) and last_seen_at > now() - lease_ms * interval '1 millisecond'
        order by free_slots desc
        limit 1
        for update skip locked
      )
      returning w.id, w.lease_ms into taker;
      if found then
        insert into job_queue (job_id, type, run_after, host, claimed_at, lease_expires_at)
        values (job.id, job.type, job.run_after, taker.id, now(), now() + taker.lease_ms * interval '1 millisecond');
        payload := json_build_object(
          'worker', taker.id, 'id', job.id::text, 'type', job.type, 'status', job.status, 'params', job.params,
          'attempt', job.attempt + 1, 'max_attempts', job.max_attempts, 'user_id', job.user_id,
          'locale', job.locale, 'claimed_at', now()::text)::text;
        -- NOTIFY payloads stop at 8000 bytes: big params are read by the worker instead.
        if octet_length(payload) > 7900 then
          payload := json_build_object('worker', taker.id, 'id', job.id::text, 'claimed_at', now()::text)::text;
        end if;
        perform pg_notify('jobs_handed_over', payload);
        return null;
      end if;
    end if;
  end if;
  insert into job_queue (job_id, type, run_after)
  select id, type, run_after from new_jobs where status = 'queued';
  perform pg_notify('jobs_queued', '');
  return null;
end;
$$;
