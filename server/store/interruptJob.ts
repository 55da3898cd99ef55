import type { Queryable } from '../db/types.js';
import type { Actor } from './audit.js';
import type { JobRow } from './rows.js';

/**
 * A queued job never started: it ends `interrupted` at once and leaves the queue (a claim would drop its
 * `job_queue` row anyway; removing it now keeps the other jobs' positions exact). Returns null if it is no longer
 * queued.
 */
export async function interruptQueuedJob(tx: Queryable, id: string, actor: Actor): Promise<JobRow | null> {
  const { rows } = await tx.query<JobRow>(
    `
with interrupted as (
  update jobs
  set status = 'interrupted', ended_at = now(), updated_at = now(), interrupt_requested_at = now(),
      interrupted_by_id = $2::text, interrupted_by_name = $3::text
  where id = $1::bigint and status = 'queued'
  returning *
), dequeued as (
  delete from job_queue where job_id in (select id from interrupted) and host is null
)
select * from interrupted`,
    [id, actor.id, actor.name],
  );
  return rows[0] ?? null;
}

/**
 * A running job becomes `interrupting`; the worker that runs it hears `jobs_interrupt`, aborts the handler's
 * signal and ends the job `interrupted` (forced after the type's grace period). Returns null if it is no longer
 * running. The notification is delivered when the transaction commits.
 */
export async function interruptRunningJob(tx: Queryable, id: string, actor: Actor): Promise<JobRow | null> {
  const { rows } = await tx.query<JobRow>(
    `
update jobs
set status = 'interrupting', updated_at = now(), interrupt_requested_at = now(),
    interrupted_by_id = $2::text, interrupted_by_name = $3::text
where id = $1::bigint and status = 'running'
returning *`,
    [id, actor.id, actor.name],
  );
  if (rows[0]) await tx.query(`select pg_notify('jobs_interrupt', $1::text)`, [id]);
  return rows[0] ?? null;
}
