import type { Queryable } from '../db/types.js';
import type { Actor } from './audit.js';
import type { JobRow } from './rows.js';

/**
 * A queued job that no worker has taken: it ends `interrupted` at once and leaves the queue (removing its
 * `job_queue` row keeps the other jobs' positions exact). Returns null if a worker holds it: a claim moves the job
 * from `job_queue` to a lease and writes no `jobs` row, so a job can read `queued` in `jobs` while its handler runs;
 * it is interrupted as a running one.
 */
export async function interruptQueuedJob(tx: Queryable, id: string, actor: Actor): Promise<JobRow | null> {
  const { rows } = await tx.query<JobRow>(
    `
with dequeued as (
  delete from job_queue where job_id = $1::bigint
  returning job_id
)
update jobs
set status = 'interrupted', ended_at = now(), updated_at = now(), interrupt_requested_at = now(),
    interrupted_by_id = $2::text, interrupted_by_name = $3::text
where id = any(array(select job_id from dequeued)) and status = 'queued'
returning *`,
    [id, actor.id, actor.name],
  );
  return rows[0] ?? null;
}

/**
 * A running job (or one a worker holds before marking it running) becomes `interrupting`; the worker that runs it
 * hears `jobs_interrupt`, aborts the handler's signal and ends the job `interrupted` (forced after the type's grace
 * period). Returns null if it is no longer running. The notification is delivered when the transaction commits.
 */
export async function interruptRunningJob(tx: Queryable, id: string, actor: Actor): Promise<JobRow | null> {
  const { rows } = await tx.query<JobRow>(
    `
update jobs
set status = 'interrupting', updated_at = now(), interrupt_requested_at = now(),
    interrupted_by_id = $2::text, interrupted_by_name = $3::text
where id = $1::bigint and status in ('queued', 'running')
returning *`,
    [id, actor.id, actor.name],
  );
  if (rows[0]) await tx.query(`select pg_notify('jobs_interrupt', current_schema() || ':' || $1::text)`, [id]);
  return rows[0] ?? null;
}
