/** Shared by the queue tests: job types made up on the spot, waiting on the database, and worker bookkeeping. */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import type { JobRow } from '../../../server/queue/rows.js';
import { startWorker, type Worker, type WorkerOptions } from '../../../server/queue/worker.js';
import { type DbKind, openTestDb } from '../../support/db.js';

export { jobType } from '../fixtures.js';

/** A promise the test settles when it chooses: `const [gate, release] = manualGate()`, handlers `await gate`. */
export function manualGate(): [Promise<void>, () => void] {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return [gate, release];
}

/** Polls until `check` returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function jobById(db: Db, id: string): Promise<JobRow> {
  const { rows } = await db.query<JobRow>(`select * from jobs where id = $1::bigint`, [id]);
  if (!rows[0]) throw new Error(`No job ${id}`);
  return rows[0];
}

export async function waitForStatus(db: Db, id: string, statuses: string[], timeoutMs = 5000): Promise<JobRow> {
  return waitFor(async () => {
    const job = await jobById(db, id);
    return statuses.includes(job.status) ? job : undefined;
  }, timeoutMs);
}

/** Starts workers that `stopAll()` stops; `stopAll()` reports the ones a test forgot. */
export function workerTracker() {
  const started: Worker[] = [];
  const stopped = new Set<Worker>();
  return {
    start(options: WorkerOptions): Worker {
      const worker = startWorker({ onError: () => {}, ...options });
      started.push(worker);
      return {
        id: worker.id,
        get running() {
          return worker.running;
        },
        async stop(stopOptions) {
          stopped.add(worker);
          await worker.stop(stopOptions);
        },
      };
    },
    async stopAll(): Promise<number> {
      const leaked = started.filter((worker) => !stopped.has(worker));
      await Promise.all(leaked.map((worker) => worker.stop({ graceMs: 0 })));
      started.length = 0;
      stopped.clear();
      return leaked.length;
    },
  };
}

/** A Db that counts the statements whose SQL contains `marker`. */
export function countingDb(db: Db, marker: string): { db: Db; count: () => number } {
  let count = 0;
  return {
    db: {
      ...db,
      query(sql, params, options) {
        if (sql.includes(marker)) count++;
        return db.query(sql, params, options);
      },
    },
    count: () => count,
  };
}

export async function resetTables(db: Db): Promise<void> {
  await db.query(`truncate jobs, job_queue, job_leases, workers restart identity cascade`);
}

/** The worker whose lease holds the job, or null if no lease does. */
export async function leaseHolder(db: Db, jobId: string): Promise<string | null> {
  const { rows } = await db.query<{ worker: string }>(`select worker from job_leases where $1::bigint = any(job_ids)`, [
    jobId,
  ]);
  return rows[0]?.worker ?? null;
}

/** Whether the job waits in `job_queue` for a claim. */
export async function isWaiting(db: Db, jobId: string): Promise<boolean> {
  const { rows } = await db.query(`select 1 from job_queue where job_id = $1::bigint`, [jobId]);
  return rows.length === 1;
}

/** What a claim or a hand-off writes for one job, by hand: out of the queue, into a lease of `workerId`. */
export async function leaseByHand(db: Db, jobId: string, workerId: string): Promise<void> {
  await db.query(
    `
with taken as (delete from job_queue where job_id = $1::bigint returning job_id)
insert into job_leases (worker, lease_expires_at, job_ids)
select $2::text, now() + interval '30 seconds', array[job_id] from taken`,
    [jobId, workerId],
  );
}

/**
 * Registers, in the calling `describe`, the world of a queue test file: a fresh migrated schema on `kind` (handed to
 * `use` once open), emptied before each test, dropped at the end; a test that leaves a worker running fails.
 */
export function useQueueSchema(kind: DbKind, use: (db: Db) => void): ReturnType<typeof workerTracker> {
  const workers = workerTracker();
  let db: Db;
  before(async () => {
    db = await openTestDb(kind);
    use(db);
  });
  after(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetTables(db);
  });
  afterEach(async () => {
    assert.equal(await workers.stopAll(), 0, 'a test left a worker running');
  });
  return workers;
}
