import type { Queryable } from '../db/types.js';
import type { ArtifactRecord } from './rows.js';

export async function listArtifacts(db: Queryable, jobId: string): Promise<ArtifactRecord[]> {
  const { rows } = await db.query<ArtifactRecord>(
    `
select name, role, file_name, content_type, size, created_at
from job_artifacts
where job_id = $1::bigint
order by created_at, name`,
    [jobId],
  );
  return rows;
}

export async function getArtifact(
  db: Queryable,
  jobId: string,
  name: string,
): Promise<(ArtifactRecord & { data: Uint8Array }) | null> {
  const { rows } = await db.query<ArtifactRecord & { data: Uint8Array }>(
    `
select name, role, file_name, content_type, size, created_at, data
from job_artifacts
where job_id = $1::bigint and name = $2::text`,
    [jobId, name],
  );
  return rows[0] ?? null;
}

/** Keeps a file the job was launched with (e.g. the CSV to import) next to its report. */
export async function saveInputArtifact(
  tx: Queryable,
  jobId: string,
  artifact: { name: string; fileName: string; contentType: string; data: Uint8Array },
): Promise<void> {
  await tx.query(
    `
insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
values ($1::bigint, $2::text, 'input', $3::text, $4::text, $5::int, $6::bytea)`,
    [jobId, artifact.name, artifact.fileName, artifact.contentType, artifact.data.byteLength, artifact.data],
  );
}

/** A requeued job runs on the same input files as the original. */
export async function copyInputArtifacts(tx: Queryable, fromJobId: string, toJobId: string): Promise<void> {
  await tx.query(
    `
insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
select $2::bigint, name, role, file_name, content_type, size, data
from job_artifacts
where job_id = $1::bigint and role = 'input'`,
    [fromJobId, toJobId],
  );
}
