-- A worker killed without stopping (SIGKILL, out of memory, a host lost) leaves its offer of free slots behind, and
-- its row counted as seen for a whole lease: for up to 30 s every job queued on its own was handed to it, the
-- offer with the most free slots, held by a lease nobody renewed, and failed with `lease_expired` without having
-- run, while live workers stood idle. A worker's connections close when its process dies, and PostgreSQL then ends
-- their sessions and frees their locks at once. So the worker's LISTEN connection holds a session advisory lock on
-- a random key (a new one at each reconnection), each claim that offers slots writes that key here, and a hand-off
-- goes only to a worker whose lock is still held: `pg_try_advisory_xact_lock_shared` fails on a held key, and on a
-- freed one takes a shared lock until commit, which nobody minds. Checking `pg_stat_get_activity(pid)` instead cost
-- each hand-off 0.15 ms after an idle moment (it copies every session's status); the lock costs nothing measurable
-- (a probe not kept, 3 × 400 samples of each after 5 ms idle: 0.33-0.42 ms bare, 0.35-0.43 with the lock,
-- 0.50-0.56 with pg_stat_get_activity). NULL: not checked (embedded PGlite, where the worker and the database share
-- one process and one session, or an offer written before this migration).
alter table workers add column listener_lock bigint;

-- As in 007, with two changes: the liveness check, and `clock_timestamp()` for the times of the lease. `now()` is
-- when the transaction began: a job queued by a host's transaction that stayed open longer than the lease was
-- handed over already expired, and recovered as lost while its handler ran. (A transaction that goes on for longer
-- than the lease after queuing the job still hands it over expired: commit before long work, or queue it last.)
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
    select n.* into job from new_jobs n where n.status = 'queued' and n.run_after <= clock_timestamp();
    if found then
      update workers w
      set free_slots = w.free_slots - 1
      where w.id = (
        select id from workers
        where free_slots > 0 and job.type = any(job_types)
          and last_seen_at > clock_timestamp() - lease_ms * interval '1 millisecond'
          and (listener_lock is null or not pg_try_advisory_xact_lock_shared(listener_lock))
        order by free_slots desc
        limit 1
        for update skip locked
      )
      returning w.id, w.lease_ms into taker;
      if found then
        insert into job_leases (worker, claimed_at, lease_expires_at, job_ids)
        values (
          taker.id, clock_timestamp(), clock_timestamp() + taker.lease_ms * interval '1 millisecond', array[job.id]
        )
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
