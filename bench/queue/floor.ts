/**
 * The bare-SQL floor the queue is measured against: what the database itself can do for a queue with no runtime
 * and no history. Throughput, as the issue words it: claim 100 rows with FOR UPDATE SKIP LOCKED, then delete them
 * in one statement, from 4 connections: each batch is a transaction that takes the rows to the client (a worker
 * must see the jobs it runs) and deletes them by id. Also measured, for comparison with earlier runs: the same
 * in a single `DELETE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`, where the rows never leave the database.
 * Latency: INSERT … RETURNING + pg_notify, timed until a LISTENing client hears it; measured beside ours on the
 * same path in latency.ts, and here as first measured (back to back, both ends in this process).
 */
import pg from 'pg';
import type { Db, Queryable } from '../../server/db/types.js';
import { monotonicMs, percentile } from './stats.js';

/** Same row shape as `jobs` (defaults and identity), so the floor moves rows as wide as ours; only a primary key. */
export async function createFloorTable(db: Db): Promise<void> {
  await db.query(`create table floor_jobs (like jobs including defaults including identity)`);
  await db.query(`alter table floor_jobs add primary key (id)`);
}

export type FloorKind = 'claim-then-delete' | 'one-statement';

const claimRows = `select * from floor_jobs order by id limit 100 for update skip locked`;
const deleteClaimed = `delete from floor_jobs where id = any($1::bigint[])`;
const claimAndDelete = `
delete from floor_jobs
where id in (select id from floor_jobs order by id limit 100 for update skip locked)`;

/** A connection of the floor: statements on their own, or a transaction. */
interface FloorConnection extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** One batch; how many rows it took (0: the table is empty). */
async function batch(kind: FloorKind, connection: FloorConnection): Promise<number> {
  if (kind === 'one-statement') return (await connection.query(claimAndDelete)).affectedRows;
  return connection.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(claimRows);
    if (rows.length > 0) await tx.query(deleteClaimed, [rows.map((row) => row.id)]);
    return rows.length;
  });
}

export async function floorThroughput(db: Db, url: string | null, jobs: number, kind: FloorKind): Promise<number> {
  await createFloorTable(db);
  await db.query(
    `
insert into floor_jobs (type, user_id, user_name, params)
select 'noop', 'bench', 'Bench', jsonb_build_object('index', n)
from generate_series(1, $1::integer) as n`,
    [jobs],
  );
  await db.query(`analyze floor_jobs`);
  const clients: pg.Client[] = [];
  // PGlite has one connection: four loops share it, as four pool clients would (its transactions take turns).
  const connections: FloorConnection[] = [];
  for (let i = 0; i < 4; i++) {
    if (!url) {
      connections.push({ query: (sql, params) => db.query(sql, params), transaction: (work) => db.transaction(work) });
      continue;
    }
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${db.schema}` });
    await client.connect();
    clients.push(client);
    const query: Queryable['query'] = async (sql, params) => {
      const result = await client.query(sql, params);
      return { rows: result.rows, affectedRows: result.rowCount ?? 0 };
    };
    connections.push({
      query,
      async transaction(work) {
        await client.query('begin');
        const result = await work({ query });
        await client.query('commit');
        return result;
      },
    });
  }
  const start = performance.now();
  await Promise.all(
    connections.map(async (connection) => {
      while ((await batch(kind, connection)) > 0) {}
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const client of clients) await client.end();
  await db.query(`drop table floor_jobs`);
  return jobs / seconds;
}

/**
 * The floor's INSERT + NOTIFY, whose payload is `sentAt` (the listener's reference), prepared once per connection as
 * our `enqueueJob` is.
 */
export function floorInsert(db: Queryable, sentAt: number): Promise<unknown> {
  return db.query(
    `
with inserted as (
  insert into floor_jobs (type, user_id, user_name) values ('noop', 'bench', 'Bench') returning id
)
select pg_notify('floor_latency', $1::text) from inserted`,
    [String(sentAt)],
    { name: 'bench_floor_insert' },
  );
}

/** Milliseconds from sending the INSERT to a LISTENing client of this process hearing its NOTIFY, back to back. */
export async function floorLatency(db: Db, samples: number): Promise<{ p50: number; p95: number }> {
  await createFloorTable(db);
  let heard: ((sentAt: number) => void) | null = null;
  const unlisten = await db.listen('floor_latency', (payload) => heard?.(Number(payload)));
  const timings: number[] = [];
  for (let i = 0; i < samples; i++) {
    const arrived = new Promise<number>((resolve) => {
      heard = resolve;
    });
    await floorInsert(db, monotonicMs());
    const sentAt = await arrived;
    timings.push(monotonicMs() - sentAt);
  }
  await unlisten();
  await db.query(`drop table floor_jobs`);
  return { p50: percentile(timings, 50), p95: percentile(timings, 95) };
}
