/**
 * Enqueue→start latency, ours beside the floor's on the same path, interleaved: one of ours, then one of the
 * floor's, and so on, each after `idleMs` of idle time. Ours: the enqueuer sends a job through `enqueueJob`, timed
 * until its handler starts in the default worker of this process; the next is sent once this one is recorded as
 * ended, so a sample never waits behind the last one's completion. The floor's: the enqueuer sends the bare
 * INSERT + NOTIFY (floor.ts), timed until a LISTENing client of this process hears it. On PostgreSQL the enqueuer is
 * another process (bench/queue/enqueuer.ts); PGlite is embedded, so both are sent from this process.
 *
 * Why interleaved and idle: on these virtual machines waking an idle CPU costs more than the work measured, and a
 * process that just woke runs slower; measured minutes apart, the two drifted by ±40% (docs/benchmarks.md).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../server/db/types.js';
import { enqueueJob } from '../../server/queue/enqueue.js';
import { completeSucceededJobsSql } from '../../server/queue/sql/completeSucceededJobs.js';
import { startWorker } from '../../server/queue/worker.js';
import { createFloorTable, floorInsert } from './floor.js';
import { noopType } from './ours.js';
import { monotonicMs as now, percentile } from './stats.js';

interface Percentiles {
  p50: number;
  p95: number;
}

export async function interleavedLatency(
  db: Db,
  url: string | null,
  samples: number,
  idleMs: number,
): Promise<{ ours: Percentiles; floor: Percentiles }> {
  await createFloorTable(db);
  const ours: number[] = [];
  const floor: number[] = [];
  let started: (() => void) | null = null;
  let ended: (() => void) | null = null;
  let heard: ((sentAt: number) => void) | null = null;
  // Hears when the worker's completion statement returns (the worker runs in this process).
  const observed: Db = {
    ...db,
    async query(sql, params, options) {
      const result = await db.query(sql, params, options);
      if (sql === completeSucceededJobsSql) ended?.();
      return result as never;
    },
  };
  const worker = startWorker({
    db: observed,
    jobTypes: [
      noopType(async ({ params }) => {
        ours.push(now() - (params.sentAt as number));
        started?.();
      }),
    ],
  });
  const unlisten = await db.listen('floor_latency', (payload) => heard?.(Number(payload)));
  const idle = () => new Promise((resolve) => setTimeout(resolve, idleMs));
  await withEnqueuer(url, db.schema, async (enqueuer) => {
    for (let i = 0; i < samples; i++) {
      await idle();
      const handled = new Promise<void>((resolve) => {
        started = resolve;
      });
      const recorded = new Promise<void>((resolve) => {
        ended = resolve;
      });
      if (enqueuer) enqueuer.send('enqueue');
      else await enqueueJob(db, { type: 'noop', userId: 'bench', userName: 'Bench', params: { sentAt: now() } });
      await Promise.all([handled, recorded]);

      await idle();
      const arrived = new Promise<number>((resolve) => {
        heard = resolve;
      });
      if (enqueuer) enqueuer.send('floor');
      else await floorInsert(db, now());
      const sentAt = await arrived;
      floor.push(now() - sentAt);
    }
  });
  await worker.stop();
  await unlisten();
  await db.query(`drop table floor_jobs`);
  return {
    ours: { p50: percentile(ours, 50), p95: percentile(ours, 95) },
    floor: { p50: percentile(floor, 50), p95: percentile(floor, 95) },
  };
}

/** The enqueuing process (bench/queue/enqueuer.ts). */
interface EnqueuerProcess {
  /** `enqueue`: one job through `enqueueJob`; `floor`: the floor's bare INSERT + NOTIFY. */
  send(message: 'enqueue' | 'floor'): void;
}

/** Runs `work` with an enqueuer process on `schema`, or with none where `url` is null (PGlite). */
async function withEnqueuer<T>(
  url: string | null,
  schema: string,
  work: (enqueuer: EnqueuerProcess | null) => Promise<T>,
): Promise<T> {
  if (!url) return work(null);
  const enqueuer = fork(fileURLToPath(new URL('./enqueuer.ts', import.meta.url)), [], {
    env: { ...process.env, DATABASE_URL: url, SCHEMA: schema },
    execArgv: ['--import', 'tsx'],
  });
  await new Promise<void>((resolve) => enqueuer.once('message', () => resolve()));
  try {
    return await work({ send: (message) => enqueuer.send(message) });
  } finally {
    enqueuer.send('exit');
    await new Promise((resolve) => enqueuer.once('exit', resolve));
  }
}
