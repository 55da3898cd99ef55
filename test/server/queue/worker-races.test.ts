/**
 * The worker when two of its own paths meet: a claim whose rows are still on their way back while the heartbeat, an
 * interrupt or stop() comes; a write failing behind a handler's back; stop() while a forced interrupt is written.
 * Each test holds one statement (before it runs, or before its rows reach the worker) to make the meeting certain.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db, QueryOptions } from '../../../server/db/types.js';
import { enqueueJob } from '../../../server/queue/enqueue.js';
import { interruptQueuedJob, interruptRunningJob } from '../../../server/store/interruptJob.js';
import { dbKinds } from '../../support/db.js';
import { jobById, jobType, manualGate, useQueueSchema, waitFor, waitForStatus } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };
const admin = { id: 'admin', name: 'Ada Admin' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const isClaim = (options?: QueryOptions) => options?.name?.startsWith('queue_claim_jobs') ?? false;
const isHeartbeat = (sql: string) => sql.includes('set last_seen_at = now()');

/**
 * A Db whose statements matching `matches` wait while the gate is shut: `before` the statement runs, or `after` it
 * ran, before its rows reach the caller. `reached` counts those held.
 */
function heldDb(db: Db, matches: (sql: string, options?: QueryOptions) => boolean, when: 'before' | 'after') {
  let gate: Promise<void> | null = null;
  let open = () => {};
  const state = {
    reached: 0,
    shut() {
      [gate, open] = manualGate();
    },
    open() {
      gate = null;
      open();
    },
  };
  const gated: Db = {
    ...db,
    async query<Row>(sql: string, params?: unknown[], options?: QueryOptions) {
      const held = gate !== null && matches(sql, options);
      if (held && when === 'before') {
        state.reached++;
        await gate;
      }
      const result = await db.query<Row>(sql, params, options);
      if (held && when === 'after' && result.rows.length > 0) {
        state.reached++;
        await gate;
      }
      return result;
    },
  };
  return { db: gated, state };
}

for (const kind of dbKinds) {
  describe(`worker races on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });

    test("a heartbeat while a claim's rows are on their way back does not run its jobs a second time", async () => {
      const jobs = [await enqueueJob(db, { type: 'gated', ...user }), await enqueueJob(db, { type: 'gated', ...user })];
      let heartbeats = 0;
      const held = heldDb(db, (_sql, options) => isClaim(options), 'after');
      const counting: Db = {
        ...held.db,
        query(sql, params, options) {
          if (isHeartbeat(sql)) heartbeats++;
          return held.db.query(sql, params, options);
        },
      };
      const runs: string[] = [];
      const [handlerGate, releaseHandlers] = manualGate();
      held.state.shut();
      // Three slots, a claim of two: a heartbeat that took the claim's lease for a missed hand-off started the first
      // job, counted the claim's two slots as taken too, found no room for the second and released the whole lease,
      // so the first job was queued again while it ran, and ran twice.
      const worker = workers.start({
        db: counting,
        concurrency: 3,
        heartbeatMs: 20,
        pollMs: 50,
        jobTypes: [
          jobType('gated', async ({ jobId }) => {
            runs.push(jobId);
            await handlerGate;
          }),
        ],
      });
      await waitFor(async () => held.state.reached === 1);
      const seen = heartbeats;
      await waitFor(async () => heartbeats >= seen + 3);
      held.state.open();
      await waitFor(async () => runs.length === 2);
      // Time for a job queued again to be claimed again.
      await sleep(300);
      releaseHandlers();
      for (const job of jobs) assert.equal((await waitForStatus(db, job.id, ['succeeded'])).attempt, 1);
      await worker.stop();
      assert.deepEqual(runs.sort(), jobs.map((job) => job.id).sort());
    });

    test('an interrupt heard while a claim of the job is on its way back aborts the handler as it starts', async () => {
      const job = await enqueueJob(db, { type: 'long', ...user });
      const held = heldDb(db, (_sql, options) => isClaim(options), 'after');
      held.state.shut();
      let abortedAtStart: boolean | null = null;
      const worker = workers.start({
        db: held.db,
        heartbeatMs: 60_000,
        jobTypes: [
          jobType('long', async ({ signal }) => {
            abortedAtStart = signal.aborted;
            if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
          }),
        ],
      });
      await waitFor(async () => held.state.reached === 1);
      const changed = await db.transaction(
        async (tx) => (await interruptQueuedJob(tx, job.id, admin)) ?? interruptRunningJob(tx, job.id, admin),
      );
      assert.equal(changed?.status, 'interrupting');
      // The NOTIFY reaches the worker before the claim's rows do.
      await sleep(200);
      const releasedAt = Date.now();
      held.state.open();
      const ended = await waitForStatus(db, job.id, ['interrupted']);
      await worker.stop();
      assert.ok(Date.now() - releasedAt < 2000, 'aborted at start, not at the 60 s heartbeat');
      assert.equal(abortedAtStart, true);
      assert.equal(ended.forced, false);
    });

    test('stop() withdraws the offer a claim in flight made, so nothing is handed to a worker going away', async () => {
      await enqueueJob(db, { type: 'long', ...user });
      const [handlerGate, releaseHandler] = manualGate();
      let withdrawals = 0;
      const held = heldDb(db, (_sql, options) => isClaim(options), 'before');
      const counting: Db = {
        ...held.db,
        query(sql, params, options) {
          if (sql.includes('set free_slots = 0')) withdrawals++;
          return held.db.query(sql, params, options);
        },
      };
      const worker = workers.start({
        db: counting,
        concurrency: 4,
        pollMs: 30,
        jobTypes: [jobType('long', () => handlerGate)],
      });
      await waitFor(async () => worker.running === 1);
      // The safety poll's next claim waits; stop() withdraws the offer, then the claim finds the queue empty and
      // offers its free slots.
      held.state.shut();
      await waitFor(async () => held.state.reached === 1);
      const stopping = worker.stop({ graceMs: 10_000 });
      await waitFor(async () => withdrawals === 1);
      held.state.open();
      await sleep(200);
      const { rows } = await db.query<{ free_slots: number }>(`select free_slots from workers where id = $1::text`, [
        worker.id,
      ]);
      const queuedMeanwhile = await enqueueJob(db, { type: 'long', ...user });
      await sleep(100);
      releaseHandler();
      await stopping;
      assert.deepEqual(rows, [{ free_slots: 0 }]);
      const left = await jobById(db, queuedMeanwhile.id);
      assert.deepEqual([left.status, left.host], ['queued', null]);
      const { rows: leases } = await db.query(`select 1 from job_leases`);
      assert.equal(leases.length, 0);
    });

    test('stop() waits for a forced interrupt being written', async () => {
      const job = await enqueueJob(db, { type: 'stubborn', ...user });
      const held = heldDb(db, (sql) => sql.includes('forced = true'), 'before');
      held.state.shut();
      const worker = workers.start({
        db: held.db,
        jobTypes: [jobType('stubborn', () => new Promise<void>(() => {}), { interruptGraceMs: 50 })],
      });
      await waitForStatus(db, job.id, ['running']);
      await db.transaction((tx) => interruptRunningJob(tx, job.id, admin));
      await waitFor(async () => held.state.reached === 1);
      let stopped = false;
      const stopping = worker.stop({ graceMs: 0 }).then(() => {
        stopped = true;
      });
      await sleep(200);
      assert.equal(stopped, false, 'stop() returned with the forced interrupt unwritten');
      held.state.open();
      await stopping;
      const ended = await jobById(db, job.id);
      assert.deepEqual([ended.status, ended.forced], ['interrupted', true]);
    });

    test('a progress write failing again and again is reported once, and again after one succeeded', async () => {
      const job = await enqueueJob(db, { type: 'busy', ...user });
      let refusing = true;
      const failing: Db = {
        ...db,
        query(sql, params, options) {
          if (refusing && sql.includes('set progress_done')) return Promise.reject(new Error('write refused'));
          return db.query(sql, params, options);
        },
      };
      const errors: unknown[] = [];
      const spell = async (progress: (done: number) => void, refuse: boolean) => {
        refusing = refuse;
        for (let step = 0; step < 15; step++) {
          progress(step);
          await sleep(10);
        }
      };
      const worker = workers.start({
        db: failing,
        progressIntervalMs: 5,
        onError: (error) => errors.push(error),
        jobTypes: [
          jobType('busy', async ({ progress }) => {
            await spell(progress, true);
            await spell(progress, false);
            await spell(progress, true);
            refusing = false;
          }),
        ],
      });
      await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.equal(errors.filter((error) => String(error).includes('write refused')).length, 2);
    });

    test('a failed write behind step() or warn() neither rejects nor fails the job; it goes with the next write', async () => {
      const job = await enqueueJob(db, { type: 'steps', ...user });
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const failing: Db = {
        ...db,
        query(sql, params, options) {
          if (
            sql.includes('set progress_done') ||
            sql.includes('insert into job_messages (job_id, level, message, item')
          ) {
            return Promise.reject(new Error('write refused'));
          }
          return db.query(sql, params, options);
        },
      };
      const errors: unknown[] = [];
      let settled: string[] = [];
      const worker = workers.start({
        db: failing,
        progressIntervalMs: 0,
        onError: (error) => errors.push(error),
        jobTypes: [
          jobType('steps', async ({ step, warn }) => {
            // Left un-awaited on purpose, as handlers do.
            void step('load', 'Loading');
            await sleep(20);
            const outcomes = await Promise.allSettled([
              step('save', 'Saving'),
              ...Array.from({ length: 500 }, () => warn('Row skipped.')),
            ]);
            settled = outcomes.map((outcome) => outcome.status);
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['succeeded', 'failed']);
      await worker.stop();
      await sleep(50);
      process.off('unhandledRejection', onUnhandled);
      assert.deepEqual(unhandled, []);
      assert.ok(settled.length === 501 && settled.every((status) => status === 'fulfilled'));
      assert.equal(ended.status, 'succeeded');
      assert.deepEqual(
        ended.steps.map((step) => [step.name, step.status]),
        [
          ['load', 'succeeded'],
          ['save', 'succeeded'],
        ],
      );
      assert.ok(errors.some((error) => String(error).includes('write refused')));
    });
  });
}
