import type { Queryable } from '../db/types.js';

export interface Actor {
  id: string;
  name: string;
}

/** Records who requeued, interrupted or deleted a job, in the same transaction as the action. */
export async function recordAudit(
  tx: Queryable,
  jobId: string,
  action: 'requeue' | 'interrupt' | 'delete',
  actor: Actor,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await tx.query(
    `
insert into job_audit (job_id, action, actor_id, actor_name, detail)
values ($1::bigint, $2::text, $3::text, $4::text, $5::jsonb)`,
    [jobId, action, actor.id, actor.name, JSON.stringify(detail)],
  );
}

export interface AuditRecord {
  job_id: string;
  action: string;
  actor_id: string;
  actor_name: string;
  at: Date;
  detail: Record<string, unknown>;
}

export async function listAudit(db: Queryable, jobId: string): Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRecord>(
    `select job_id, action, actor_id, actor_name, at, detail from job_audit where job_id = $1::bigint order by id`,
    [jobId],
  );
  return rows;
}
