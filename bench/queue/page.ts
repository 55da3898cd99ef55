/**
 * One `GET /jobs` page deep in a big history, through the server's own list query (keyset, `listJobs`) against
 * the same page by OFFSET.
 */
import type { Db } from '../../server/db/types.js';
import { listJobs, listJobsStatement } from '../../server/store/listJobs.js';
import { median } from './stats.js';

/** Finished jobs as history, written directly (this seeds the table; it measures nothing). */
export async function seedHistory(db: Db, rows: number): Promise<void> {
  // The live-event triggers would copy every seed row into job_events; history seeded in bulk has no events.
  await db.query(`alter table jobs disable trigger user`);
  for (let offset = 0; offset < rows; offset += 100_000) {
    await db.query(
      `
insert into jobs (type, status, user_id, user_name, params, created_at, started_at, ended_at, host, attempt)
select 'noop', 'succeeded', 'user' || (n % 50), 'User ' || (n % 50), jsonb_build_object('index', n),
  now() - (n * interval '1 second'), now() - (n * interval '1 second') + interval '10 ms',
  now() - (n * interval '1 second') + interval '20 ms', 'bench', 1
from generate_series($1::integer + 1, $1::integer + $2::integer) as n`,
      [offset, Math.min(100_000, rows - offset)],
    );
  }
  await db.query(`alter table jobs enable trigger user`);
  await db.query(`vacuum analyze jobs`);
}

export async function pageAtDepth(
  db: Db,
  depth: number,
  pageSize: number,
): Promise<{
  keysetMs: number;
  keysetColdMs: number;
  offsetMs: number;
  keysetSqlMs: number;
  offsetSqlMs: number;
  sameRows: boolean;
}> {
  const { rows: at } = await db.query<{ created_at: string; id: string }>(
    `
select created_at::text as created_at, id
from jobs
order by created_at desc, id desc
offset $1::integer - 1
limit 1`,
    [depth],
  );
  const key = at[0];
  if (!key) throw new Error(`Fewer than ${depth} jobs`);
  const keyset = () => listJobs(db, { owners: null }, { after: [key.created_at, key.id], limit: pageSize });
  // A fresh process runs its first calls unoptimised (and prepares the statement): their median is printed apart.
  // The figure is a server that has served pages for a while: 2 s of calls, then 200 timed. PGlite needs the time:
  // V8 compiles its WebAssembly for speed only once it is hot, and the first 300 calls after seeding took 1.2 ms
  // where the next 300 took 0.72-0.77 ms.
  const coldTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    await keyset();
    coldTimes.push(performance.now() - start);
  }
  for (const warmUntil = performance.now() + 2000; performance.now() < warmUntil; ) await keyset();
  const keysetTimes: number[] = [];
  let keysetIds: string[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    const page = await keyset();
    keysetTimes.push(performance.now() - start);
    keysetIds = page.rows.map((row) => row.id);
  }
  const offsetTimes: number[] = [];
  let offsetIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const { rows } = await db.query<{ id: string }>(
      `
select j.*
from jobs j
order by j.created_at desc, j.id desc
offset $1::integer
limit $2::integer`,
      [depth, pageSize],
    );
    offsetTimes.push(performance.now() - start);
    offsetIds = rows.map((row) => row.id);
  }
  // The database's own time for each, without the round trip and the decoding in Node.
  const statement = listJobsStatement({ owners: null }, { after: [key.created_at, key.id], limit: pageSize });
  const keysetSqlMs = await executionMs(db, statement.sql, statement.values);
  const offsetSqlMs = await executionMs(
    db,
    `select j.* from jobs j order by j.created_at desc, j.id desc offset ${depth} limit ${pageSize}`,
    [],
  );
  return {
    keysetMs: median(keysetTimes),
    keysetColdMs: median(coldTimes),
    offsetMs: median(offsetTimes),
    keysetSqlMs,
    offsetSqlMs,
    sameRows: keysetIds.length === pageSize && keysetIds.join() === offsetIds.join(),
  };
}

/** Median `Execution Time` of EXPLAIN ANALYZE over a few runs. */
async function executionMs(db: Db, sql: string, params: unknown[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze) ${sql}`, params);
    const line = rows.map((row) => row['QUERY PLAN']).find((text) => text.startsWith('Execution Time'));
    times.push(Number(line?.match(/([\d.]+) ms/)?.[1] ?? Number.NaN));
  }
  return median(times);
}
