-- The job store. Append-only: change the schema with a new numbered file, never by editing this one once landed.

create table jobs (
  id                     bigint generated always as identity primary key,
  type                   text not null,
  status                 text not null default 'queued'
                         check (status in ('queued', 'running', 'interrupting', 'succeeded', 'failed', 'interrupted')),
  user_id                text not null,
  user_name              text not null,
  locale                 text not null default 'en',
  notify_by_email        boolean not null default false,
  email                  text,
  params                 jsonb not null default '{}',
  subjects               text[] not null default '{}',
  created_at             timestamptz not null default now(),
  run_after              timestamptz not null default now(),
  started_at             timestamptz,
  ended_at               timestamptz,
  updated_at             timestamptz not null default now(),
  host                   text,
  lease_expires_at       timestamptz,
  last_heartbeat_at      timestamptz,
  attempt                integer not null default 0,
  max_attempts           integer not null default 1,
  progress_done          integer not null default 0,
  progress_total         integer,
  progress_message       text,
  warnings               integer not null default 0,
  errors                 integer not null default 0,
  counters               jsonb not null default '{}',
  steps                  jsonb not null default '[]',
  error_code             text,
  error_message          text,
  requeued_from          bigint,
  requeued_as            bigint,
  interrupt_requested_at timestamptz,
  interrupted_by_id      text,
  interrupted_by_name    text,
  forced                 boolean not null default false,
  idempotency_key        text,
  idempotency_hash       text
-- Room on each page for the new versions of a row (claim, progress, completion), so those updates are HOT: no
-- index on `jobs` covers a column the queue changes, so they rewrite no index entry.
) with (fillfactor = 70);

-- The overview's default order (newest first), for everyone and per user.
create index jobs_created_idx on jobs (created_at, id);
create index jobs_user_created_idx on jobs (user_id, created_at, id);
create unique index jobs_idempotency_idx on jobs (user_id, idempotency_key) where idempotency_key is not null;

create table job_messages (
  id      bigint generated always as identity primary key,
  job_id  bigint not null references jobs (id) on delete cascade,
  level   text not null check (level in ('info', 'warning', 'error')),
  message text not null,
  item    jsonb,
  step    text,
  at      timestamptz not null default now()
);
create index job_messages_job_idx on job_messages (job_id, id);

create table job_artifacts (
  job_id       bigint not null references jobs (id) on delete cascade,
  name         text not null,
  role         text not null check (role in ('input', 'output')),
  file_name    text not null,
  content_type text not null,
  size         integer not null,
  data         bytea not null,
  created_at   timestamptz not null default now(),
  primary key (job_id, name)
);

-- Who requeued, interrupted or deleted what. No foreign key: the record outlives a deleted job.
create table job_audit (
  id         bigint generated always as identity primary key,
  job_id     bigint not null,
  action     text not null check (action in ('requeue', 'interrupt', 'delete')),
  actor_id   text not null,
  actor_name text not null,
  at         timestamptz not null default now(),
  detail     jsonb not null default '{}'
);
create index job_audit_job_idx on job_audit (job_id);

-- Workers say they are alive here, so a queued job can tell "no worker" from "behind other jobs".
create table workers (
  id           text primary key,
  started_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

-- The jobs a worker may claim or is running, and nothing else: the queue's indexes live on this small table, so
-- claiming walks no finished history and the updates of `jobs` itself stay HOT. A row is added when a job is
-- queued, marked with its `host` when claimed, and removed when the job ends. A row whose job is no longer queued
-- (interrupted or deleted while waiting) is dropped by the next claim that meets it.
create table job_queue (
  job_id    bigint primary key,
  type      text not null,
  run_after timestamptz not null,
  host      text
);
create index job_queue_due_idx on job_queue (run_after, job_id) where host is null;
create index job_queue_held_idx on job_queue (job_id) where host is not null;

-- Whoever inserts queued jobs (the queue, a requeue, a host's own SQL), they enter job_queue and wake idle workers
-- (LISTEN jobs_queued), once per statement, so a bulk insert sends one NOTIFY.
-- Trigger functions pin the schema they were created in (set search_path from current), so an insert by a host's
-- own SQL under another search_path still reaches these tables.
create function jobs_enqueue() returns trigger language plpgsql
set search_path from current as $$
begin
  insert into job_queue (job_id, type, run_after)
  select id, type, run_after from new_jobs where status = 'queued';
  if found then
    perform pg_notify('jobs_queued', '');
  end if;
  return null;
end;
$$;
create trigger jobs_enqueue after insert on jobs
  referencing new table as new_jobs
  for each statement execute function jobs_enqueue();
