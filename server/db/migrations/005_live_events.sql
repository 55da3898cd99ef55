-- Live events, end-of-job notifications and the confirmation-mail outbox (server/events, server/notifications,
-- server/mail). Statement-level triggers on `jobs` capture every change, whoever makes it (the queue, the API or
-- a host's own SQL), in the same transaction: an event is stored if and only if the change commits.
-- They send no NOTIFY for job events: a NOTIFY per claim or completion transaction cost the queue about half its
-- throughput (bench:events, "capture cost"), so servers poll `job_events` instead (server/events/feed.ts).

-- What happened to which jobs, one row per statement that changed `jobs` (a claim of 100 jobs is one row, not 100):
-- the columns are parallel arrays, one element per event, holding what a live `Job` shows at that moment (never
-- params), so a replay shows each state as it was. An event's public ID is `id × 1,000,000 + its position` (see
-- server/events/queries.ts). Written per statement because per-row event rows halved the queue's throughput
-- (bench:events, "capture cost"). Pruned by age and count (server/events/live.ts).
create table job_events (
  id                  bigint generated always as identity primary key,
  at                  timestamptz not null default now(),
  size                integer not null,
  kinds               text[] not null,
  job_ids             bigint[] not null,
  user_ids            text[] not null,
  notification_ids    bigint[],
  types               text[],
  statuses            text[],
  user_names          text[],
  locales             text[],
  notify_by_emails    boolean[],
  emails              text[],
  -- Each job's subjects as the text of a text[] (arrays of arrays must be rectangular).
  subjects            text[],
  created_ats         timestamptz[],
  started_ats         timestamptz[],
  ended_ats           timestamptz[],
  updated_ats         timestamptz[],
  hosts               text[],
  last_heartbeat_ats  timestamptz[],
  attempts            integer[],
  max_attempts        integer[],
  progress_dones      integer[],
  progress_totals     integer[],
  progress_messages   text[],
  warnings            integer[],
  errors              integer[],
  error_codes         text[],
  requeued_froms      bigint[],
  requeued_ases       bigint[],
  interrupted_by_ids  text[],
  interrupted_by_names text[],
  forceds             boolean[]
);
create index job_events_at_idx on job_events (at);

-- Event IDs below this were pruned: a client resuming from there gets a `reset`.
create table job_events_horizon (
  only_row     boolean primary key default true check (only_row),
  pruned_below bigint not null default 0
);
insert into job_events_horizon default values;

-- End-of-job notifications, stored in the transaction that ends the jobs: one row per user and ending statement
-- (a completion batch of 200 jobs of one user is one row), parallel arrays with one element per job, like
-- `job_events`. One row per job cost the queue about a third of its throughput (bench:events, "capture cost").
-- A notification's public ID is `id × 1,000,000 + its position`; `unread` counts the null `read_ats` elements.
create table notifications (
  id         bigint generated always as identity primary key,
  user_id    text not null,
  created_at timestamptz not null default now(),
  size       integer not null,
  unread     integer not null,
  job_ids    bigint[] not null,
  job_types  text[] not null,
  statuses   text[] not null,
  warnings   integer[] not null,
  errors     integer[] not null,
  ended_ats  timestamptz[] not null,
  read_ats   timestamptz[] not null
);
create index notifications_user_idx on notifications (user_id, id);

-- One row per confirmation mail to send. A sender claims due rows (SKIP LOCKED) and pushes `next_attempt_at` past
-- its send timeout, so no other server takes the row while it is being sent; failures back off.
create table mail_outbox (
  id              bigint generated always as identity primary key,
  job_id          bigint not null unique,
  recipient       text not null,
  locale          text not null,
  job_type        text not null,
  status          text not null,
  user_name       text not null,
  created_at      timestamptz not null,
  started_at      timestamptz,
  ended_at        timestamptz,
  warnings        integer not null,
  errors          integer not null,
  error_code      text,
  queued_at       timestamptz not null default now(),
  next_attempt_at timestamptz not null default now(),
  attempts        integer not null default 0,
  last_error      text,
  sent_at         timestamptz
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where sent_at is null;

-- Each statement's events become batch rows: arrays aligned element by element (every aggregate of one query reads
-- the same rows in the same order). Rows are grouped by ranges of 999,999 job IDs, so no row holds more events than
-- the ID stride of 1,000,000 allows (a statement over consecutive jobs makes one or two rows).
-- Trigger functions pin the schema they were created in (set search_path from current), so an insert by a host's
-- own SQL under another search_path still reaches these tables.
create function job_events_capture_insert() returns trigger language plpgsql
set search_path from current as $$
begin
  insert into job_events (
    size, kinds, job_ids, user_ids, types, statuses, user_names, locales, notify_by_emails, emails, subjects,
    created_ats, started_ats, ended_ats, updated_ats, hosts, last_heartbeat_ats, attempts, max_attempts,
    progress_dones, progress_totals, progress_messages, warnings, errors, error_codes, requeued_froms,
    requeued_ases, interrupted_by_ids, interrupted_by_names, forceds)
  select
    count(*), array_agg(c.kind), array_agg(c.id), array_agg(c.user_id), array_agg(c.type), array_agg(c.status),
    array_agg(c.user_name), array_agg(c.locale), array_agg(c.notify_by_email), array_agg(c.email),
    array_agg(c.subjects::text), array_agg(c.created_at), array_agg(c.started_at), array_agg(c.ended_at),
    array_agg(c.updated_at), array_agg(c.host), array_agg(c.last_heartbeat_at), array_agg(c.attempt),
    array_agg(c.max_attempts), array_agg(c.progress_done), array_agg(c.progress_total),
    array_agg(c.progress_message), array_agg(c.warnings), array_agg(c.errors), array_agg(c.error_code),
    array_agg(c.requeued_from), array_agg(c.requeued_as), array_agg(c.interrupted_by_id),
    array_agg(c.interrupted_by_name), array_agg(c.forced)
  from (select 'job.created'::text as kind, n.*, n.id / 999999 as chunk from new_jobs n) c
  group by c.chunk
  order by c.chunk;
  return null;
end $$;

create function job_events_capture_update() returns trigger language plpgsql
set search_path from current as $$
declare
  batches integer;
  finished integer;
  mails integer;
begin
  with changes as (
    select n.*,
      case
        when n.status is distinct from o.status and n.status in ('succeeded', 'failed', 'interrupted') then 'job.finished'
        when n.status is distinct from o.status or n.requeued_as is distinct from o.requeued_as
          or n.interrupted_by_id is distinct from o.interrupted_by_id or n.forced is distinct from o.forced
          or n.host is distinct from o.host or n.started_at is distinct from o.started_at then 'job.updated'
        when n.progress_done is distinct from o.progress_done or n.progress_total is distinct from o.progress_total
          or n.progress_message is distinct from o.progress_message or n.warnings is distinct from o.warnings
          or n.errors is distinct from o.errors then 'job.progress'
        -- Heartbeats and lease renewals change nothing a user sees, so they make no event.
      end as kind
    from new_jobs n
    join old_jobs o on o.id = n.id
  ), inserted as (
    insert into job_events (
      size, kinds, job_ids, user_ids, types, statuses, user_names, locales, notify_by_emails, emails, subjects,
      created_ats, started_ats, ended_ats, updated_ats, hosts, last_heartbeat_ats, attempts, max_attempts,
      progress_dones, progress_totals, progress_messages, warnings, errors, error_codes, requeued_froms,
      requeued_ases, interrupted_by_ids, interrupted_by_names, forceds)
    select
      count(*), array_agg(c.kind), array_agg(c.id), array_agg(c.user_id), array_agg(c.type), array_agg(c.status),
      array_agg(c.user_name), array_agg(c.locale), array_agg(c.notify_by_email), array_agg(c.email),
      array_agg(c.subjects::text), array_agg(c.created_at), array_agg(c.started_at), array_agg(c.ended_at),
      array_agg(c.updated_at), array_agg(c.host), array_agg(c.last_heartbeat_at), array_agg(c.attempt),
      array_agg(c.max_attempts), array_agg(c.progress_done), array_agg(c.progress_total),
      array_agg(c.progress_message), array_agg(c.warnings), array_agg(c.errors), array_agg(c.error_code),
      array_agg(c.requeued_from), array_agg(c.requeued_as), array_agg(c.interrupted_by_id),
      array_agg(c.interrupted_by_name), array_agg(c.forced)
    from (select *, id / 999999 as chunk from changes where kind is not null) c
    group by c.chunk
    order by c.chunk
    returning kinds
  )
  select count(*), coalesce(sum((select count(*) from unnest(i.kinds) k where k = 'job.finished')), 0)
  into batches, finished
  from inserted i;
  if batches = 0 then
    return null;
  end if;
  if finished > 0 then
    with ended as (
      select n.* from new_jobs n
      join old_jobs o on o.id = n.id
      where n.status is distinct from o.status and n.status in ('succeeded', 'failed', 'interrupted')
    ), created as (
      insert into notifications (user_id, size, unread, job_ids, job_types, statuses, warnings, errors, ended_ats, read_ats)
      select e.user_id, count(*), count(*), array_agg(e.id), array_agg(e.type), array_agg(e.status), array_agg(e.warnings),
        array_agg(e.errors), array_agg(coalesce(e.ended_at, now())), array_agg(null::timestamptz)
      from (select *, id / 999999 as chunk from ended) e
      group by e.user_id, e.chunk
      returning id, user_id, job_ids
    ), each_one as (
      select c.user_id, u.job_id, c.id * 1000000 + u.position as notification_id
      from created c
      cross join lateral unnest(c.job_ids) with ordinality as u(job_id, position)
    )
    insert into job_events (size, kinds, job_ids, user_ids, notification_ids)
    select count(*), array_agg('notification.created'::text), array_agg(e.job_id), array_agg(e.user_id),
      array_agg(e.notification_id)
    from (select *, job_id / 999999 as chunk from each_one) e
    group by e.chunk
    order by e.chunk;

    insert into mail_outbox (
      job_id, recipient, locale, job_type, status, user_name, created_at, started_at, ended_at, warnings, errors,
      error_code)
    select n.id, n.email, n.locale, n.type, n.status, n.user_name, n.created_at, n.started_at,
      coalesce(n.ended_at, now()), n.warnings, n.errors, n.error_code
    from new_jobs n
    join old_jobs o on o.id = n.id
    where n.status is distinct from o.status and n.status in ('succeeded', 'failed', 'interrupted')
      and n.notify_by_email and n.email is not null
    on conflict (job_id) do nothing;
    get diagnostics mails = row_count;
    if mails > 0 then
      perform pg_notify('mail_outbox', '');
    end if;
  end if;
  return null;
end $$;

create function job_events_capture_delete() returns trigger language plpgsql
set search_path from current as $$
begin
  insert into job_events (size, kinds, job_ids, user_ids)
  select count(*), array_agg('job.deleted'::text), array_agg(c.id), array_agg(c.user_id)
  from (select o.*, o.id / 999999 as chunk from old_jobs o) c
  group by c.chunk
  order by c.chunk;
  return null;
end $$;

create trigger job_events_insert after insert on jobs
  referencing new table as new_jobs
  for each statement execute function job_events_capture_insert();
create trigger job_events_update after update on jobs
  referencing old table as old_jobs new table as new_jobs
  for each statement execute function job_events_capture_update();
create trigger job_events_delete after delete on jobs
  referencing old table as old_jobs
  for each statement execute function job_events_capture_delete();
