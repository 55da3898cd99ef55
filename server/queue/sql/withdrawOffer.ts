import type { Queryable } from '../../db/types.js';

/**
 * A worker about to stop offers no more slots, so no statement hands it a job from now on. Row-locked like the
 * hand-off itself (006_claims_in_job_queue.sql), so once this returns every hand-off to it has committed.
 */
export async function withdrawOffer(db: Queryable, workerId: string): Promise<void> {
  await db.query(`update workers set free_slots = 0 where id = $1::text`, [workerId]);
}
