import type { Queryable } from '../../db/types.js';

/** A worker that stops cleanly leaves the list of live workers at once instead of ageing out of it. */
export async function unregisterWorker(db: Queryable, workerId: string): Promise<void> {
  await db.query(`delete from workers where id = $1::text`, [workerId]);
}
