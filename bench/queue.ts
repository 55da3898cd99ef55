/**
 * `npm run bench:queue`: the queue's figures on PostgreSQL and on PGlite, each next to a bare-SQL floor measured
 * in the same run, so the ratios compare across machines (docs/benchmarks.md).
 *
 * Options: --jobs 50000 --rounds 3 --latency 500 --depth 500000 --only postgres|pglite. PostgreSQL from
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); every figure runs in a fresh schema dropped
 * afterwards.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate, openDb } from '../server/db/index.js';
import type { Db } from '../server/db/types.js';
import { explainBatch } from './queue/explain.js';
import { floorLatency, floorThroughput } from './queue/floor.js';
import { interleavedLatency } from './queue/latency.js';
import { latencyParts } from './queue/latencyParts.js';
import { drainThroughput } from './queue/ours.js';
import { pageAtDepth, seedHistory } from './queue/page.js';
import { median } from './queue/stats.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    latency: { type: 'string', default: '500' },
    depth: { type: 'string', default: '500000' },
    only: { type: 'string' },
  },
});
const jobs = Number(args.jobs);
const rounds = Number(args.rounds);
const samples = Number(args.latency);
const depth = Number(args.depth);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pageSize = 50;
/** Idle time before each latency sample, ours and the floor's alike: a launch on a quiet system. */
const idleMs = 5;

/** A fresh migrated schema for one measurement, dropped afterwards. */
async function withSchema<T>(kind: 'postgres' | 'pglite', work: (db: Db) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const db = kind === 'postgres' ? await openDb({ url, schema }) : await openDb({ schema });
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

const format = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${format(Math.abs(ms), 2)} ms`;

async function benchKind(kind: 'postgres' | 'pglite') {
  const remote = kind === 'postgres' ? url : null;
  // Throughput on these virtual machines moves by a third within minutes: the floor, ours and the diagnostic
  // alternate over `rounds`, and each figure is the median of its rounds.
  const floorRates: number[] = [];
  const rates: number[] = [];
  const ratesWithoutEvents: number[] = [];
  for (let round = 0; round < rounds; round++) {
    floorRates.push(await withSchema(kind, (db) => floorThroughput(db, remote, jobs, 'claim-then-delete')));
    rates.push(await withSchema(kind, (db) => drainThroughput(db, jobs)));
    // Diagnostic, not a product configuration: the same drain without the triggers other features put on `jobs`
    // (live events, notifications, mail outbox: 005_live_events.sql), to show what they cost.
    ratesWithoutEvents.push(
      await withSchema(kind, async (db) => {
        const { rows } = await db.query<{ name: string }>(
          `select tgname as name from pg_trigger where tgrelid = 'jobs'::regclass and not tgisinternal and tgname <> 'jobs_enqueue'`,
        );
        for (const { name } of rows) await db.query(`alter table jobs disable trigger "${name}"`);
        return drainThroughput(db, jobs);
      }),
    );
  }
  const [floorRate, rate, rateWithoutEvents] = [floorRates, rates, ratesWithoutEvents].map(median) as number[];
  const roundRatios = rates.map((ours, round) => ours / (floorRates[round] as number)).sort((a, b) => a - b);
  const oneStatementRate = await withSchema(kind, (db) => floorThroughput(db, remote, jobs, 'one-statement'));
  const latency = await withSchema(kind, (db) => interleavedLatency(db, remote, samples, idleMs));
  const parts = await withSchema(kind, (db) => latencyParts(db, samples, idleMs));
  // The floor as first measured, back to back in one process, for comparison with earlier runs.
  const backToBackFloor = await withSchema(kind, (db) => floorLatency(db, samples));
  const page = await withSchema(kind, async (db) => {
    await seedHistory(db, depth + pageSize);
    return pageAtDepth(db, depth, pageSize);
  });
  const explained = kind === 'postgres' ? await withSchema(kind, (db) => explainBatch(db, url, jobs)) : [];
  const where =
    kind === 'postgres' ? 'worker in this process, enqueuer in another' : 'one process (PGlite is embedded)';
  console.log(`\n${kind}`);
  console.log(
    `  no-op jobs/s, ${format(jobs)} bulk-enqueued, default worker, history kept: ${format(rate)}` +
      `  (floor ${format(floorRate)}, ratio ${format(rate / floorRate, 2)}; medians of ${rounds} alternating rounds,` +
      ` the rounds' ratios lowest first ${roundRatios.map((ratio) => format(ratio, 2)).join(' / ')})`,
  );
  console.log(
    `    floor variant, claim and delete in one statement (rows never reach the client): ${format(oneStatementRate)}` +
      ` jobs/s (our ratio to it ${format(rate / oneStatementRate, 2)})`,
  );
  console.log(
    `    diagnostic, live-event triggers disabled: ${format(rateWithoutEvents)} jobs/s (ratio ${format(rateWithoutEvents / floorRate, 2)})`,
  );
  const { ours: lat, floor: floorLat } = latency;
  console.log(
    `  enqueue→start latency over ${samples} jobs (${where}): p50 ${format(lat.p50, 2)} ms, p95 ${format(lat.p95, 2)} ms` +
      `  (floor on the same path, interleaved, ${idleMs} ms idle before each: p50 ${format(floorLat.p50, 2)} ms,` +
      ` p95 ${format(floorLat.p95, 2)} ms; p50 ratio ${format(lat.p50 / floorLat.p50, 2)})`,
  );
  console.log(
    `    diagnostic, where it goes (INSERT + NOTIFY sent and heard in this process, p50 over the floor's` +
      ` ${format(parts.floorP50, 2)} ms): ${parts.added.map(({ label, ms }) => `${label} ${signed(ms)}`).join('; ')};` +
      ` our full figure over its floor ${signed(lat.p50 - floorLat.p50)}`,
  );
  console.log(
    `    floor as first measured (back to back, sender and listener in this process): p50 ${format(backToBackFloor.p50, 2)} ms,` +
      ` p95 ${format(backToBackFloor.p95, 2)} ms (our p50 ratio to it ${format(lat.p50 / backToBackFloor.p50, 2)})`,
  );
  console.log(
    `  GET /jobs page of ${pageSize} at depth ${format(depth)}: listJobs (keyset) ${format(page.keysetMs, 2)} ms` +
      ` (first 30 calls of the process ${format(page.keysetColdMs, 2)} ms), OFFSET ${format(page.offsetMs, 1)} ms` +
      `${page.sameRows ? '' : '  (PAGES DIFFER)'}; in the database (EXPLAIN ANALYZE): keyset` +
      ` ${format(page.keysetSqlMs, 3)} ms, OFFSET ${format(page.offsetSqlMs, 1)} ms`,
  );
  if (explained.length)
    console.log(`  where a batch's time goes (EXPLAIN ANALYZE, BUFFERS):\n    ${explained.join('\n    ')}`);
}

console.log(
  `bench:queue — ${new Date().toISOString()}, Node ${process.version}, jobs ${format(jobs)}, latency samples ${samples}, depth ${format(depth)}`,
);
for (const kind of ['postgres', 'pglite'] as const) {
  if (!args.only || args.only === kind) await benchKind(kind);
}
