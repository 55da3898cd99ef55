-- A claim takes its jobs out of `job_queue` (a delete, as cheap as a queue can be) and writes one lease row for all
-- of them: which worker holds them, since when, until when. `job_queue` holds waiting jobs only. Marking 100 queue
-- rows held cost a claim a new version of each row and its index entries; one lease row per claim costs next to
-- nothing (bench:queue, docs/benchmarks.md). A job is held while its id is in a lease of its worker and it has not
-- ended; leases of a worker that stops renewing them are recovered (server/queue/sql/recoverExpiredLeases.ts).
create table job_leases (
  id               bigint generated always as identity primary key,
  worker           text not null,
  claimed_at       timestamptz not null default now(),
  lease_expires_at timestamptz not null,
  job_ids          bigint[] not null
);
create index job_leases_worker_idx on job_leases (worker);
create index job_leases_expiry_idx on job_leases (lease_expires_at);

insert into job_leases (worker, claimed_at, lease_expires_at, job_ids)
select host, claimed_at, max(lease_expires_at), array_agg(job_id order by job_id)
from job_queue
where host is not null
group by host, claimed_at;
delete from job_queue where host is not null;

-- Dropping the columns drops the partial indexes on them.
alter table job_queue drop column host, drop column claimed_at, drop column lease_expires_at;
create index job_queue_due_idx on job_queue (run_after, job_id);

-- A completion writes a new version of every job it ends, and the jobs a claim takes sit side by side: at
-- fillfactor 70 a page of ~200-byte rows had room for the new versions of fewer than half its rows, so most of a
-- batch's updates left the page and rewrote all four indexes (bench:queue: index sizes doubled). At 50 every row of
-- a page gets its new version on the page. New pages only; a table rewrite (VACUUM FULL) applies it to old ones.
alter table jobs set (fillfactor = 50);

-- Hand-off (006) as before, with the job held by a lease of its own instead of a held queue row.
create or replace function jobs_enqueue() returns trigger language plpgsql
set search_path from current as $$
declare
  queued integer;
  job record;
  taker record;
  lease_id bigint;
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
        insert into job_leases (worker, lease_expires_at, job_ids)
        values (taker.id, now() + taker.lease_ms * interval '1 millisecond', array[job.id])
        returning id into lease_id;
        payload := json_build_object(
          'worker', taker.id, 'id', job.id::text, 'type', job.type, 'params', job.params, 'attempt', job.attempt + 1,
          'user_id', job.user_id, 'locale', job.locale, 'lease_id', lease_id::text)::text;
        -- NOTIFY payloads stop at 8000 bytes: big params are read by the worker instead.
        if octet_length(payload) > 7900 then
          payload := json_build_object('worker', taker.id, 'id', job.id::text)::text;
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
