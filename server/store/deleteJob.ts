import type { Queryable } from '../db/types.js';

/** Deletes a finished job with its messages and artifacts (cascade). False when it is missing or not finished. */
export async function deleteFinishedJob(tx: Queryable, id: string): Promise<boolean> {
  const { affectedRows } = await tx.query(
    `delete from jobs where id = $1::bigint and status in ('succeeded', 'failed', 'interrupted')`,
    [id],
  );
  return affectedRows > 0;
}
