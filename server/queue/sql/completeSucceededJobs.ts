import type { Queryable } from '../../db/types.js';
import type { LeasePlan } from '../leaseBook.js';
import { heldByLeases, whereHeld } from './leases.js';

/**
 * $1 worker id, $2 ids of jobs whose handler returned and that have nothing else to record, $3 leases of this
 * worker none of whose jobs runs any more (deleted here), $4 leases these jobs belong to that still hold running
 * jobs (locked here, `for key share`).
 *
 * The hot path's last statement: the worker buffers these and ends them together, every `completionFlushMs` or
 * `completionBatchSize` jobs, so 50,000 no-op jobs take 250–500 statements, not 50,000. Only jobs this worker
 * still holds by a lease are ended (leases.ts): a lease that lapsed and was recovered is gone, so a job that went
 * elsewhere is not overwritten. A job that was never marked running gets its host, start (its claim) and attempt
 * here, so a short job writes its `jobs` row once. One interrupted meanwhile ends `interrupted`. The update is HOT.
 */
export const completeSucceededJobsSql = `
with ${heldByLeases}
update jobs
set status = case when jobs.status = 'interrupting' then 'interrupted' else 'succeeded' end,
  host = $1::text, started_at = coalesce(jobs.started_at, held.claimed_at),
  attempt = jobs.attempt + (jobs.host is null)::integer, ended_at = now(), updated_at = now()
from held
where ${whereHeld} and jobs.status in ('queued', 'running', 'interrupting')
returning jobs.id`;

/** Ends the plain successes among the jobs this worker holds; returns the ids actually ended. */
export async function completeSucceededJobs(
  db: Queryable,
  workerId: string,
  ids: string[],
  leases: LeasePlan,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    completeSucceededJobsSql,
    [workerId, ids, leases.finished, leases.kept],
    { name: 'queue_complete_succeeded_jobs' },
  );
  return rows.map((row) => row.id);
}
