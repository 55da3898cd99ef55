import type { Queryable } from '../db/types.js';

export interface QueueInfo {
  position: number | null;
  reason: 'queued' | 'no_worker' | 'retry_wait';
}

/** A worker that has not said it is alive for this long counts as gone. */
const workerSilenceSeconds = 30;
/** Positions are counted up to here; further back, "10,000 ahead" is as useful as the exact figure. */
const positionCap = 10_000;

/**
 * Why each of these queued jobs waits: its place in claim order, whether any worker was seen lately, and whether
 * it is waiting for a retry. Positions come from the queue's own table (`job_queue`, which holds waiting jobs only, in
 * `job_queue_due_idx` order, which is what claims walk), never from the job history. Reads at most `positionCap`
 * queue entries for a whole page: the entries ahead of the page's earliest job are counted once, then the page's
 * stretch of the queue is walked in index order. (Numbering the queue's head in one window query made
 * PostgreSQL sort every queued job: 120 ms with 60,000 queued.)
 */
export async function queueInfo(db: Queryable, ids: readonly string[]): Promise<Map<string, QueueInfo>> {
  if (ids.length === 0) return new Map();
  const { rows: page } = await db.query<{
    id: string;
    run_after: string | null;
    retry_wait: boolean;
    worker_alive: boolean;
  }>(
    `
select j.id, q.run_after::text as run_after, coalesce(q.run_after, j.run_after) > now() as retry_wait,
  exists (select 1 from workers w where w.last_seen_at > now() - make_interval(secs => $2::int)) as worker_alive
from jobs j
left join job_queue q on q.job_id = j.id
where j.id = any($1::bigint[]) and j.status = 'queued'
order by q.run_after, j.id`,
    [ids, workerSilenceSeconds],
  );
  const earliest = page.find((row) => row.run_after !== null);
  const ahead = earliest ? await countAhead(db, earliest.run_after!, earliest.id) : positionCap;
  const stretch =
    earliest && ahead < positionCap ? await queueFrom(db, earliest.run_after!, earliest.id, positionCap - ahead) : [];
  const offsets = new Map(stretch.map((id, index) => [id, index]));
  // Missing from a stretch that did not reach the cap, a job was claimed meanwhile: its place is unknown, not far back.
  const pastCap = ahead >= positionCap || stretch.length >= positionCap - ahead;
  return new Map(
    page.map((row) => {
      const offset = offsets.get(row.id);
      return [
        row.id,
        {
          position:
            row.run_after === null ? null : offset !== undefined ? ahead + offset : pastCap ? positionCap : null,
          reason: !row.worker_alive ? 'no_worker' : row.retry_wait ? 'retry_wait' : 'queued',
        },
      ];
    }),
  );
}

async function countAhead(db: Queryable, runAfter: string, id: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `
select count(*)::int as n from (
  select 1 from job_queue
  where (run_after, job_id) < ($1::timestamptz, $2::bigint)
  limit $3::int
) ahead`,
    [runAfter, id, positionCap],
  );
  return rows[0]!.n;
}

async function queueFrom(db: Queryable, runAfter: string, id: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ job_id: string }>(
    `
select job_id from job_queue
where (run_after, job_id) >= ($1::timestamptz, $2::bigint)
order by run_after, job_id
limit $3::int`,
    [runAfter, id, limit],
  );
  return rows.map((row) => row.job_id);
}
