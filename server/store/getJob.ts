import type { Queryable } from '../db/types.js';
import type { JobRow } from './rows.js';

export async function getJob(db: Queryable, id: string): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(`select * from jobs where id = $1::bigint`, [id]);
  return rows[0] ?? null;
}

/** The same row, locked until the transaction ends, for actions that check its status before changing it. */
export async function getJobForUpdate(tx: Queryable, id: string): Promise<JobRow | null> {
  const { rows } = await tx.query<JobRow>(`select * from jobs where id = $1::bigint for update`, [id]);
  return rows[0] ?? null;
}
