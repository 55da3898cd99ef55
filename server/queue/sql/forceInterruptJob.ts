import type { Queryable } from '../../db/types.js';
import type { LeasePlan } from '../leaseBook.js';
import { heldByLeases, whereHeld } from './leases.js';

/**
 * The handler ignored the abort past the grace period: the job ends `interrupted` and `forced` without it, if this
 * worker still holds it by its lease (deleted or locked as `leases` says, see leases.ts).
 */
export async function forceInterruptJob(
  db: Queryable,
  workerId: string,
  jobId: string,
  leases: LeasePlan,
): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `
with ${heldByLeases}
update jobs
set status = 'interrupted', forced = true, host = $1::text, started_at = coalesce(jobs.started_at, held.claimed_at),
  attempt = jobs.attempt + (jobs.host is null)::integer, ended_at = now(), updated_at = now()
from held
where ${whereHeld} and jobs.status in ('queued', 'running', 'interrupting')
returning jobs.id`,
    [workerId, [jobId], leases.finished, leases.kept],
  );
  return rows.length === 1;
}
