import type { Queryable } from '../db/types.js';

/** Points the original at the latest job that ran it again (`requeuedAs`). */
export async function linkRequeue(tx: Queryable, originalId: string, newId: string): Promise<void> {
  await tx.query(`update jobs set requeued_as = $2::bigint, updated_at = now() where id = $1::bigint`, [
    originalId,
    newId,
  ]);
}
