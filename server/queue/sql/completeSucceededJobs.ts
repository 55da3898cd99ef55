import type { Queryable } from '../../db/types.js';

/**
 * $1 worker id, $2 ids of jobs whose handler returned and that have nothing else to record.
 *
 * The hot path's last statement: the worker buffers these and ends them together, every `completionFlushMs` or
 * `completionBatchSize` jobs, so 50,000 no-op jobs take 500 statements, not 50,000. No per-job values, so no join:
 * `id = any($2)` walks the primary key, and the update is HOT. Only jobs this worker still holds are touched (a
 * job whose lease expired and went elsewhere is not overwritten); one interrupted meanwhile ends `interrupted`.
 * bench:queue EXPLAIN, 100 jobs: 1.0 ms of which the `jobs` update 0.8 ms (and the live-event trigger, when
 * installed, several times that).
 */
export const completeSucceededJobsSql = `
with ended as (
  update jobs
  set status = case when status = 'interrupting' then 'interrupted' else 'succeeded' end,
    ended_at = now(), updated_at = now(), lease_expires_at = null
  where id = any($2::bigint[]) and host = $1::text and status in ('running', 'interrupting')
  returning id
), dequeued as (
  delete from job_queue
  where job_id = any(array(select id from ended))
)
select id from ended`;

/** Ends the plain successes among the jobs this worker holds; returns the ids actually ended. */
export async function completeSucceededJobs(db: Queryable, workerId: string, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(completeSucceededJobsSql, [workerId, ids], {
    name: 'queue_complete_succeeded_jobs',
  });
  return rows.map((row) => row.id);
}
