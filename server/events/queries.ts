/**
 * The SQL of the live stream, one function per statement. Rows of `job_events` are written by the triggers of
 * migration 005; this module only reads and prunes them.
 */
import type { Queryable } from '../db/types.js';
import type { JobRow } from '../queue/rows.js';

export type EventKind =
  | 'job.created'
  | 'job.updated'
  | 'job.progress'
  | 'job.finished'
  | 'job.deleted'
  | 'notification.created';

/**
 * One event, unpacked from its batch row: the job's visible columns as they were then (absent for `job.deleted`
 * and notifications). `id` is the public event ID, `batch_id × stride + position`.
 */
export interface EventRow
  extends Partial<Omit<JobRow, 'id' | 'params' | 'counters' | 'steps' | 'idempotency_key' | 'idempotency_hash'>> {
  id: string;
  batch_id: string;
  kind: EventKind;
  job_id: string;
  user_id: string;
  at: Date;
  notification_id: string | null;
}

/** Events per batch row stay below this, so `batch_id × stride + position` orders every event. */
export const eventIdStride = 1_000_000n;

export const batchOf = (eventId: bigint) => eventId / eventIdStride;
/** The highest event ID a batch can hold: a connection starting after a batch has seen up to here. */
export const lastIdOfBatch = (batchId: bigint) => (batchId + 1n) * eventIdStride - 1n;

const unpacked = `
select (e.id * ${eventIdStride} + u.position)::text as id, e.id::text as batch_id, e.at, u.kind, u.job_id, u.user_id,
  u.notification_id, u.type, u.status, u.user_name, u.locale, u.notify_by_email, u.email,
  u.subjects::text[] as subjects, u.created_at, u.started_at, u.ended_at, u.updated_at, u.host,
  u.last_heartbeat_at, u.attempt, u.max_attempts, u.progress_done, u.progress_total, u.progress_message,
  u.warnings, u.errors, u.error_code, u.requeued_from::text as requeued_from, u.requeued_as::text as requeued_as,
  u.interrupted_by_id, u.interrupted_by_name, u.forced
from job_events e
cross join lateral unnest(
  e.kinds, e.job_ids::text[], e.user_ids, e.notification_ids::text[], e.types, e.statuses, e.user_names,
  e.locales, e.notify_by_emails, e.emails, e.subjects, e.created_ats, e.started_ats, e.ended_ats, e.updated_ats,
  e.hosts, e.last_heartbeat_ats, e.attempts, e.max_attempts, e.progress_dones, e.progress_totals,
  e.progress_messages, e.warnings, e.errors, e.error_codes, e.requeued_froms, e.requeued_ases,
  e.interrupted_by_ids, e.interrupted_by_names, e.forceds
) with ordinality as u(
  kind, job_id, user_id, notification_id, type, status, user_name, locale, notify_by_email, email, subjects,
  created_at, started_at, ended_at, updated_at, host, last_heartbeat_at, attempt, max_attempts, progress_done,
  progress_total, progress_message, warnings, errors, error_code, requeued_from, requeued_as, interrupted_by_id,
  interrupted_by_name, forced, position
)`;

export interface EventBatch {
  rows: EventRow[];
  /** The oldest transaction still running for the reading snapshot (`xid8`): every older one has ended. */
  snapshotXmin: bigint;
}

/**
 * The events of the batches after `afterBatch` (at most `limit` batches), in order, with the xmin of the snapshot
 * that saw them: the feed uses it to tell a batch ID still being written (its transaction runs) from one that never
 * will be (rolled back).
 */
export async function readEventsAfter(db: Queryable, afterBatch: bigint, limit: number): Promise<EventBatch> {
  const { rows } = await db.query<EventRow & { snapshot_xmin: string }>(
    `
with snapshot as materialized (
  select pg_snapshot_xmin(pg_current_snapshot())::text as snapshot_xmin
), events as (${unpacked}
  where e.id in (select id from job_events where id > $1::bigint order by id limit $2::int)
)
select s.snapshot_xmin, events.*
from snapshot s
left join events on true
order by events.batch_id::bigint, events.id::bigint`,
    [afterBatch.toString(), limit],
  );
  const first = rows[0]!;
  return {
    rows: rows.filter((row) => row.id !== null),
    snapshotXmin: BigInt(first.snapshot_xmin),
  };
}

/**
 * A transaction ID newer than every one assigned before the call. It assigns one, to a statement that ends at once,
 * so the feed asks only when it meets a hole (rarely), not on every read.
 */
export async function newXid(db: Queryable): Promise<bigint> {
  const { rows } = await db.query<{ xid: string }>(`select pg_current_xact_id()::text as xid`);
  return BigInt(rows[0]!.xid);
}

export interface EventRange {
  rows: EventRow[];
  /** Batches below this were pruned, as the snapshot that read `rows` saw it. */
  prunedBelow: bigint;
}

/**
 * Events after the event `afterId`, up to the end of batch `upToBatch`, for a client resuming with Last-Event-ID,
 * with the replay window's horizon read in the same statement: pruning moves the horizon and deletes in one
 * statement, so the rows and the horizon agree. Checked apart, a prune in between skipped what it deleted.
 */
export async function readEventRange(
  db: Queryable,
  afterId: bigint,
  upToBatch: bigint,
  limit: number,
): Promise<EventRange> {
  const { rows } = await db.query<EventRow & { pruned_below: string }>(
    `
with horizon as materialized (
  select pruned_below::text from job_events_horizon
), events as (${unpacked}
  where e.id >= $1::bigint and e.id <= $2::bigint and e.id * ${eventIdStride} + u.position > $3::bigint
  order by e.id, u.position
  limit $4::int
)
select h.pruned_below, events.*
from horizon h
left join events on true
order by events.batch_id::bigint, events.id::bigint`,
    [batchOf(afterId).toString(), upToBatch.toString(), afterId.toString(), limit],
  );
  return {
    rows: rows.filter((row) => row.id !== null),
    prunedBelow: BigInt(rows[0]?.pruned_below ?? 0),
  };
}

/** The newest batch written so far (where a freshly started feed begins). */
export async function latestBatch(db: Queryable): Promise<bigint> {
  const { rows } = await db.query<{ id: string | null }>(`select max(id)::text as id from job_events`);
  return BigInt(rows[0]?.id ?? 0);
}

/** The newest event ID written so far. */
export async function latestEventId(db: Queryable): Promise<bigint> {
  const { rows } = await db.query<{ latest: string | null }>(
    // Aliased apart from the column: `order by id` would sort the text, where batch 999's IDs follow batch 1000's.
    `select (id * ${eventIdStride} + size)::text as latest from job_events order by id desc limit 1`,
  );
  return BigInt(rows[0]?.latest ?? 0);
}

/**
 * Keeps the replay window bounded: drops batches older than `maxAgeMs`, and the oldest beyond `maxBatches`.
 * The horizon moves in the same statement, so no reader replays across a hole. The newest batch stays, however
 * old: a client holding its last event has missed nothing, and pruned away it would be told to start again (a
 * reset and a full reload at every reconnection, after a quiet day).
 */
export async function pruneEvents(db: Queryable, maxAgeMs: number, maxBatches: number): Promise<number> {
  const { affectedRows } = await db.query(
    `
with bound as (
  select greatest(
    coalesce((select min(id) from job_events where at >= now() - $1::integer * interval '1 millisecond'),
      (select coalesce(max(id), 0) from job_events)),
    coalesce((select max(id) from job_events) - $2::bigint + 1, 0)
  ) as below
), horizon as (
  update job_events_horizon
  set pruned_below = greatest(pruned_below, (select below from bound))
)
delete from job_events where id < (select below from bound)`,
    [maxAgeMs, maxBatches],
  );
  return affectedRows;
}
