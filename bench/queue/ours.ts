/** The queue measured through its own runtime: `startWorker` with its default configuration. */
import type { Db } from '../../server/db/types.js';
import { enqueueJobs } from '../../server/queue/enqueue.js';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { startWorker } from '../../server/queue/worker.js';

export function noopType(handler: JobTypeDefinition['handler']): JobTypeDefinition {
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
