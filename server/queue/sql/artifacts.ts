import type { Queryable } from '../../db/types.js';

export interface NewArtifact {
  name: string;
  role: 'input' | 'output';
  fileName: string;
  contentType: string;
  data: Uint8Array;
}

/**
 * Saving twice under one name replaces the file (a handler that retries its export overwrites it), but an output
 * never replaces the job's input: a requeue copies the inputs to run again. Saved only while the job runs on this
 * worker ($8, by its lease $9, locked as insertJobMessages.ts says), as its progress and messages are: a worker that
 * lost the job (its lease lapsed) cannot overwrite what the run that counts saved, nor add to a job recovery ended.
 */
export async function saveArtifact(
  db: Queryable,
  workerId: string,
  jobId: string,
  leaseId: string,
  artifact: NewArtifact,
): Promise<void> {
  const { affectedRows } = await db.query(
    `
insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
select $1::bigint, $2::text, $3::text, $4::text, $5::text, $6::integer, $7::bytea
where exists (
  select from jobs where id = $1::bigint and host = $8::text and status in ('running', 'interrupting')
) and exists (
  select from job_leases where id = $9::bigint and worker = $8::text for key share
)
on conflict (job_id, name) do update
set file_name = excluded.file_name, content_type = excluded.content_type,
  size = excluded.size, data = excluded.data, created_at = now()
where job_artifacts.role = excluded.role`,
    [
      jobId,
      artifact.name,
      artifact.role,
      artifact.fileName,
      artifact.contentType,
      artifact.data.byteLength,
      artifact.data,
      workerId,
      leaseId,
    ],
  );
  if (affectedRows > 0) return;
  const { rows } = await db.query(
    `select from jobs where id = $1::bigint and host = $2::text and status in ('running', 'interrupting')`,
    [jobId, workerId],
  );
  throw new Error(
    rows.length === 0
      ? `saveArtifact(): job ${jobId} no longer runs on this worker (it ended, or its lease lapsed and it was recovered); "${artifact.name}" was not saved.`
      : `saveArtifact(): job ${jobId} already has an artifact "${artifact.name}" that is not an ${artifact.role}; use another name.`,
  );
}

export async function readArtifactData(db: Queryable, jobId: string, name: string): Promise<Uint8Array | null> {
  const { rows } = await db.query<{ data: Uint8Array }>(
    `
select data
from job_artifacts
where job_id = $1::bigint and name = $2::text`,
    [jobId, name],
  );
  return rows[0]?.data ?? null;
}
