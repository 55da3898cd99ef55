import type { Queryable } from '../db/types.js';
import type { MessageRecord } from './rows.js';

/** One page of a job's messages, oldest first, after message `afterId`. Served by `job_messages_job_idx`. */
export async function listMessages(
  db: Queryable,
  jobId: string,
  page: { levels: string[] | null; afterId: string | null; limit: number },
): Promise<{ rows: MessageRecord[]; hasMore: boolean }> {
  const { rows } = await db.query<MessageRecord>(
    `
select id, level, message, item, step, at
from job_messages
where job_id = $1::bigint
  and ($2::text[] is null or level = any($2::text[]))
  and ($3::bigint is null or id > $3::bigint)
order by id
limit $4::int`,
    [jobId, page.levels, page.afterId, page.limit + 1],
  );
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

export async function countMessages(
  db: Queryable,
  jobId: string,
): Promise<{ info: number; warning: number; error: number }> {
  const { rows } = await db.query<{ level: 'info' | 'warning' | 'error'; n: number }>(
    `select level, count(*)::int as n from job_messages where job_id = $1::bigint group by level`,
    [jobId],
  );
  const counts = { info: 0, warning: 0, error: 0 };
  for (const row of rows) counts[row.level] = row.n;
  return counts;
}
