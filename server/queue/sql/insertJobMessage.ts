import type { Queryable } from '../../db/types.js';
import type { JsonObject, MessageLevel } from '../types.js';

/** A message and the job's warning/error count go together, so the count always matches the messages. */
export async function insertJobMessage(
  db: Queryable,
  jobId: string,
  level: MessageLevel,
  message: string,
  item: JsonObject | null,
  step: string | null,
): Promise<void> {
  await db.query(
    `
with counted as (
  update jobs
  set warnings = warnings + ($2::text = 'warning')::integer, errors = errors + ($2::text = 'error')::integer,
    updated_at = now()
  where id = $1::bigint and $2::text <> 'info'
)
insert into job_messages (job_id, level, message, item, step)
values ($1::bigint, $2::text, $3::text, $4::jsonb, $5::text)`,
    [jobId, level, message, item ? JSON.stringify(item) : null, step],
  );
}
