/** The queue measured through its own runtime: `startWorker` with its default configuration. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../server/db/types.js';
import { enqueueJob, enqueueJobs } from '../../server/queue/enqueue.js';
import { completeSucceededJobsSql } from '../../server/queue/sql/completeSucceededJobs.js';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { startWorker } from '../../server/queue/worker.js';
import { median, percentile } from './stats.js';

function noopType(handler: JobTypeDefinition['handler']): JobTypeDefinition {
  return {
    type: 'noop',
    label: { en: 'No-op', fr: 'Rien' },
    category: { en: ['Bench'], fr: ['Bench'] },
    paramsSchema: { type: 'object' },
    interruptible: false,
    requeueable: false,
    handler,
  };
}

/** Enqueues `jobs` in bulk, then times the default worker draining them; finished jobs stay as history. */
export async function drainThroughput(db: Db, jobs: number): Promise<number> {
  for (let offset = 0; offset < jobs; offset += 10_000) {
    const count = Math.min(10_000, jobs - offset);
    await enqueueJobs(
      db,
      Array.from({ length: count }, (_, index) => ({
        type: 'noop',
        userId: 'bench',
        userName: 'Bench',
        params: { index: offset + index },
      })),
    );
  }
  await db.query(`analyze jobs, job_queue`);
  let ran = 0;
  let allRan: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allRan = resolve;
  });
  const start = performance.now();
  const worker = startWorker({
    db,
    jobTypes: [
      noopType(async () => {
        if (++ran === jobs) allRan();
      }),
    ],
  });
  await done;
  // Stopping flushes the last completions: the time counts until every job is recorded as ended.
  await worker.stop();
  const seconds = (performance.now() - start) / 1000;
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from jobs where status = 'succeeded'`);
  if (rows[0]?.n !== jobs) throw new Error(`Expected ${jobs} succeeded jobs, found ${rows[0]?.n}`);
  return jobs / seconds;
}

/**
 * Milliseconds from the enqueuing client sending its INSERT to the handler starting, one job at a time: each job
 * is enqueued once the previous one is recorded as ended, so a sample never waits behind the last one's
 * completion. On PostgreSQL the enqueuer is another process (bench/queue/enqueuer.ts); PGlite has one process,
 * so it enqueues in-process. `gapMs`: the median time from a handler starting to the next job being sent, during
 * which the enqueuer waits.
 */
export async function startLatency(
  db: Db,
  url: string | null,
  samples: number,
): Promise<{ p50: number; p95: number; gapMs: number }> {
  const timings: number[] = [];
  const gaps: number[] = [];
  let started: (() => void) | null = null;
  let ended: (() => void) | null = null;
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
        timings.push(performance.timeOrigin + performance.now() - (params.sentAt as number));
        started?.();
      }),
    ],
  });
  const enqueuer = url ? await startEnqueuer(url, db.schema) : null;
  for (let i = 0; i < samples; i++) {
    const handled = new Promise<void>((resolve) => {
      started = resolve;
    });
    const recorded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    if (enqueuer) enqueuer.send('enqueue');
    else {
      const sentAt = performance.timeOrigin + performance.now();
      await enqueueJob(db, { type: 'noop', userId: 'bench', userName: 'Bench', params: { sentAt } });
    }
    await handled;
    const handledAt = performance.now();
    await recorded;
    gaps.push(performance.now() - handledAt);
  }
  if (enqueuer) {
    enqueuer.send('exit');
    await new Promise((resolve) => enqueuer.once('exit', resolve));
  }
  await worker.stop();
  return { p50: percentile(timings, 50), p95: percentile(timings, 95), gapMs: median(gaps) };
}

async function startEnqueuer(url: string, schema: string): Promise<ChildProcess> {
  const enqueuer = fork(fileURLToPath(new URL('./enqueuer.ts', import.meta.url)), [], {
    env: { ...process.env, DATABASE_URL: url, SCHEMA: schema },
    execArgv: ['--import', 'tsx'],
  });
  await new Promise<void>((resolve) => enqueuer.once('message', () => resolve()));
  return enqueuer;
}
