import type { Queryable } from '../../db/types.js';
import type { JobRow } from '../rows.js';

export type HeldJobRow = Pick<JobRow, 'id' | 'status'>;

/**
 * Says the worker is alive and extends the lease of the jobs it runs, in one round trip. The rows returned are
 * the jobs it still holds, with their status: a missing one was taken away (lease recovered), an `interrupting`
 * one was interrupted even if the NOTIFY was missed.
 */
export async function heartbeat(
  db: Queryable,
  workerId: string,
  jobIds: string[],
  leaseMs: number,
): Promise<HeldJobRow[]> {
  const { rows } = await db.query<HeldJobRow>(
    `
with seen as (
  insert into workers (id) values ($1::text)
  on conflict (id) do update set last_seen_at = now()
)
update jobs
set last_heartbeat_at = now(), lease_expires_at = now() + $3::integer * interval '1 millisecond'
where id = any($2::bigint[]) and host = $1::text and status in ('running', 'interrupting')
returning id, status`,
    [workerId, jobIds, leaseMs],
  );
  return rows;
}
