import type { Queryable } from '../../db/types.js';
import type { JsonObject, MessageLevel } from '../types.js';

export interface PendingMessage {
  level: MessageLevel;
  message: string;
  item: JsonObject | null;
  step: string | null;
  /** When the handler reported it (ISO), not when the batch reached the database. */
  at: string;
}

/**
 * $1 job id, then one array per column, in the order the handler reported the messages, then $7 the worker id and $8
 * the lease that holds the job.
 *
 * Messages and the job's warning/error counts go together in one statement, so the counts always match the
 * messages. One statement per batch, not per message: an import with 2,000 bad rows made 2,000 round trips (and
 * 2,000 live events), which on embedded PGlite held every other request of the server behind it for seconds.
 * Written only while the job runs on this worker, as its progress is (saveProgress.ts): a worker whose lease lapsed
 * while its event loop was blocked, and whose job ended or was run again elsewhere, adds nothing to it. The lease is
 * locked `for key share` (see leases.ts): checking `jobs` alone, a recovery committing while this statement ran
 * missed its messages, and the lost attempt's messages stayed on the job queued again.
 */
export async function insertJobMessages(
  db: Queryable,
  workerId: string,
  jobId: string,
  leaseId: string,
  messages: PendingMessage[],
): Promise<void> {
  await db.query(
    `
with lease as (
  select from job_leases where id = $8::bigint and worker = $7::text for key share
), held as (
  select id from jobs
  where id = $1::bigint and host = $7::text and status in ('running', 'interrupting') and exists (select from lease)
), reported as (
  select m.* from unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
    with ordinality as m(level, message, item, step, at, position)
  where exists (select from held)
), counted as (
  update jobs
  set warnings = warnings + (select count(*) from reported where level = 'warning')::integer,
    errors = errors + (select count(*) from reported where level = 'error')::integer,
    updated_at = now()
  where id = $1::bigint and exists (select 1 from reported where level <> 'info')
)
insert into job_messages (job_id, level, message, item, step, at)
select $1::bigint, level, message, item, step, at from reported order by position`,
    [
      jobId,
      messages.map((m) => m.level),
      messages.map((m) => m.message),
      messages.map((m) => (m.item ? JSON.stringify(m.item) : null)),
      messages.map((m) => m.step),
      messages.map((m) => m.at),
      workerId,
      leaseId,
    ],
  );
}
