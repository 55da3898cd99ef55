import type { Queryable } from '../db/types.js';
import type { JobRow } from './rows.js';

/** How long an `Idempotency-Key` protects a launch or a requeue (the contract promises 24 hours). */
const keptHours = 24;

/** The job an earlier launch with this key created, if still within the window. */
export async function findIdempotentJob(db: Queryable, userId: string, key: string): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(
    `
select * from jobs
where user_id = $1::text and idempotency_key = $2::text
  and created_at > now() - make_interval(hours => $3::int)`,
    [userId, key, keptHours],
  );
  return rows[0] ?? null;
}

/** The job an earlier launch with this key created and someone deleted since, if launched within the window. */
export async function findDeletedLaunch(db: Queryable, userId: string, key: string): Promise<string | null> {
  const { rows } = await db.query<{ job_id: string }>(
    `
select job_id from job_audit
where action = 'delete' and detail ? 'idempotencyKey'
  and detail ->> 'owner' = $1::text and detail ->> 'idempotencyKey' = $2::text
  and (detail ->> 'launchedAt')::timestamptz > now() - make_interval(hours => $3::int)
order by id desc
limit 1`,
    [userId, key, keptHours],
  );
  return rows[0]?.job_id ?? null;
}

/** Frees a key whose window has passed, so the unique index lets a new launch reuse it. */
export async function releaseExpiredKey(tx: Queryable, userId: string, key: string): Promise<void> {
  await tx.query(
    `
update jobs set idempotency_key = null, idempotency_hash = null
where user_id = $1::text and idempotency_key = $2::text
  and created_at <= now() - make_interval(hours => $3::int)`,
    [userId, key, keptHours],
  );
}

export interface EarlierRequeue {
  /** The job that was requeued. */
  job_id: string;
  /** The job the requeue made. */
  new_job_id: string;
}

/** The requeue this caller made with this key within the window (its audit row, 011_idempotency_in_audit.sql). */
export async function findIdempotentRequeue(
  db: Queryable,
  actorId: string,
  key: string,
): Promise<EarlierRequeue | null> {
  const { rows } = await db.query<EarlierRequeue>(
    `
select job_id, detail ->> 'newJobId' as new_job_id from job_audit
where actor_id = $1::text and action = 'requeue' and detail ->> 'idempotencyKey' = $2::text
  and at > now() - make_interval(hours => $3::int)
order by id desc
limit 1`,
    [actorId, key, keptHours],
  );
  return rows[0] ?? null;
}
