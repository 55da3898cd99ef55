/**
 * The bare-SQL floor the queue is measured against: what the database itself can do for a queue with no runtime
 * and no history. Throughput: claim 100 rows with FOR UPDATE SKIP LOCKED and delete them in one statement, from
 * 4 connections. Latency: INSERT … RETURNING + pg_notify, timed until a LISTENing client hears it.
 */
import pg from 'pg';
import type { Db } from '../../server/db/types.js';
import { percentile } from './stats.js';

/** Same row shape as `jobs` (defaults and identity), so the floor moves rows as wide as ours; only a primary key. */
async function createFloorTable(db: Db): Promise<void> {
  await db.query(`create table floor_jobs (like jobs including defaults including identity)`);
  await db.query(`alter table floor_jobs add primary key (id)`);
}

export async function floorThroughput(db: Db, url: string | null, jobs: number): Promise<number> {
  await createFloorTable(db);
  await db.query(
    `
insert into floor_jobs (type, user_id, user_name, params)
select 'noop', 'bench', 'Bench', jsonb_build_object('index', n)
from generate_series(1, $1::integer) as n`,
    [jobs],
  );
  await db.query(`analyze floor_jobs`);
  const claimAndDelete = `
delete from floor_jobs
where id in (select id from floor_jobs order by id limit 100 for update skip locked)`;
  const clients: { query(sql: string): Promise<{ rowCount?: number | null; affectedRows?: number }> }[] = [];
  if (url) {
    for (let i = 0; i < 4; i++) {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${db.schema}` });
      await client.connect();
      clients.push(client);
    }
  } else {
    // PGlite has one connection: four loops share it, as four pool clients would.
    for (let i = 0; i < 4; i++) clients.push({ query: (sql) => db.query(sql) });
  }
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (;;) {
        const result = await client.query(claimAndDelete);
        if ((result.rowCount ?? result.affectedRows ?? 0) === 0) return;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const client of clients) if (client instanceof pg.Client) await client.end();
  await db.query(`drop table floor_jobs`);
  return jobs / seconds;
}

/** Milliseconds from sending the INSERT to the LISTENing client hearing its NOTIFY, one at a time. */
export async function floorLatency(db: Db, samples: number): Promise<{ p50: number; p95: number }> {
  await createFloorTable(db);
  let heard: (() => void) | null = null;
  const unlisten = await db.listen('floor_latency', () => heard?.());
  const timings: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    const arrived = new Promise<void>((resolve) => {
      heard = resolve;
    });
    await db.query(
      `
with inserted as (
  insert into floor_jobs (type, user_id, user_name) values ('noop', 'bench', 'Bench') returning id
)
select pg_notify('floor_latency', id::text) from inserted`,
    );
    await arrived;
    timings.push(performance.now() - start);
  }
  await unlisten();
  await db.query(`drop table floor_jobs`);
  return { p50: percentile(timings, 50), p95: percentile(timings, 95) };
}
