import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob } from '../../../server/queue/enqueue.js';
import { interruptQueuedJob, interruptRunningJob } from '../../../server/store/interruptJob.js';
import { dbKinds, openTestDb } from '../../support/db.js';
import { jobById, jobType, manualGate, useQueueSchema, waitFor, waitForStatus } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };
const admin = { id: 'admin', name: 'Ada Admin' };

/** A handler that runs until its signal aborts, then stops (or ignores it when `stubborn`). */
function untilAborted(seen: { aborted: boolean; finished: boolean }, stubborn = false) {
  return ({ signal }: { signal: AbortSignal }) =>
    new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => {
        seen.aborted = true;
        if (stubborn) return;
        seen.finished = true;
        resolve();
      });
    });
}

for (const kind of dbKinds) {
  describe(`interrupting a running job on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });

    test('aborts the handler signal on NOTIFY and ends the job interrupted when the handler returns', async () => {
      const seen = { aborted: false, finished: false };
      const job = await enqueueJob(db, { type: 'long', ...user });
      const worker = workers.start({
        db,
        heartbeatMs: 60_000,
        jobTypes: [jobType('long', untilAborted(seen))],
      });
      await waitForStatus(db, job.id, ['running']);
      const requestedAt = Date.now();
      await db.transaction((tx) => interruptRunningJob(tx, job.id, admin));
      const ended = await waitForStatus(db, job.id, ['interrupted']);
      await worker.stop();
      assert.ok(Date.now() - requestedAt < 2000, 'heard through NOTIFY, not the 60 s heartbeat');
      assert.deepEqual(seen, { aborted: true, finished: true });
      assert.equal(ended.forced, false);
      assert.equal(ended.interrupted_by_id, 'admin');
      assert.ok(ended.ended_at);
    });

    test('an interrupt in another deployment on the same database leaves a job with the same ID alone', {
      skip: kind === 'pglite' && 'an embedded database has one deployment',
    }, async () => {
      const seen = { aborted: false, finished: false };
      const job = await enqueueJob(db, { type: 'long', ...user });
      const worker = workers.start({ db, heartbeatMs: 60_000, jobTypes: [jobType('long', untilAborted(seen))] });
      await waitForStatus(db, job.id, ['running']);
      const neighbour = await openTestDb(kind);
      try {
        // Each schema numbers its jobs from 1: the neighbour's first job takes this one's ID.
        const namesake = await enqueueJob(neighbour, { type: 'long', ...user });
        assert.equal(namesake.id, job.id);
        await neighbour.transaction((tx) => interruptRunningJob(tx, namesake.id, admin));
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(seen.aborted, false, 'aborted by the neighbour’s interrupt');
        // Nor is it remembered for a run of that ID starting here later.
        await db.transaction((tx) => interruptRunningJob(tx, job.id, admin));
        await waitForStatus(db, job.id, ['interrupted']);
        const next = await enqueueJob(db, { type: 'long', ...user });
        await neighbour.query(`select setval('jobs_id_seq', $1::bigint, false)`, [next.id]);
        await neighbour.transaction(async (tx) => {
          const other = await enqueueJob(tx, { type: 'long', ...user });
          await interruptRunningJob(tx, other.id, admin);
        });
        await waitForStatus(db, next.id, ['running', 'interrupted']);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal((await jobById(db, next.id)).status, 'running');
      } finally {
        await worker.stop({ graceMs: 0 });
        await neighbour.close();
      }
    });

    test('a job its worker holds but has not marked running yet is interrupted through the worker', async () => {
      const seen = { aborted: false, finished: false };
      const job = await enqueueJob(db, { type: 'long', ...user });
      const worker = workers.start({ db, markRunningAfterMs: 60_000, jobTypes: [jobType('long', untilAborted(seen))] });
      await waitFor(async () => worker.running === 1);
      assert.equal((await jobById(db, job.id)).status, 'queued');
      const changed = await db.transaction(async (tx) => {
        // Not "at once": the worker holds it, so the queued path declines and the running path takes it.
        assert.equal(await interruptQueuedJob(tx, job.id, admin), null);
        return interruptRunningJob(tx, job.id, admin);
      });
      assert.equal(changed?.status, 'interrupting');
      const ended = await waitForStatus(db, job.id, ['interrupted']);
      await worker.stop();
      assert.deepEqual(seen, { aborted: true, finished: true });
      assert.equal(ended.host, worker.id);
      assert.equal(ended.attempt, 1);
      assert.ok(ended.started_at && ended.ended_at);
    });

    test('forces the job interrupted after the type grace period when the handler ignores the signal', async () => {
      const seen = { aborted: false, finished: false };
      const job = await enqueueJob(db, { type: 'stubborn', ...user });
      const worker = workers.start({
        db,
        jobTypes: [jobType('stubborn', untilAborted(seen, true), { interruptGraceMs: 200 })],
      });
      await waitForStatus(db, job.id, ['running']);
      await db.transaction((tx) => interruptRunningJob(tx, job.id, admin));
      const ended = await waitForStatus(db, job.id, ['interrupted']);
      assert.equal(seen.aborted, true);
      assert.equal(ended.forced, true);
      // The abandoned handler no longer holds a slot.
      await waitFor(async () => worker.running === 0);
      await worker.stop({ graceMs: 0 });
    });

    test('a handler that fails before it hears of the interrupt ends failed, with its own code', async () => {
      const job = await enqueueJob(db, { type: 'doomed', ...user });
      const [gate, release] = manualGate();
      const worker = workers.start({
        db,
        heartbeatMs: 60_000,
        jobTypes: [
          jobType('doomed', async () => {
            await gate;
            throw Object.assign(new Error('No row of the file could be imported.'), { code: 'no_valid_rows' });
          }),
        ],
      });
      await waitForStatus(db, job.id, ['running']);
      // What the interrupt route does, minus the pg_notify: the worker has not heard of it when the handler fails.
      await db.query(`update jobs set status = 'interrupting', interrupt_requested_at = now() where id = $1::bigint`, [
        job.id,
      ]);
      release();
      const ended = await waitForStatus(db, job.id, ['failed', 'interrupted']);
      await worker.stop();
      assert.deepEqual([ended.status, ended.error_code], ['failed', 'no_valid_rows']);
    });

    test('notices an interrupt on heartbeat when the NOTIFY was missed', async () => {
      const seen = { aborted: false, finished: false };
      const job = await enqueueJob(db, { type: 'long', ...user });
      const worker = workers.start({
        db,
        heartbeatMs: 100,
        jobTypes: [jobType('long', untilAborted(seen))],
      });
      await waitForStatus(db, job.id, ['running']);
      // What the interrupt route does, minus the pg_notify.
      await db.query(`update jobs set status = 'interrupting', interrupt_requested_at = now() where id = $1::bigint`, [
        job.id,
      ]);
      await waitForStatus(db, job.id, ['interrupted']);
      await worker.stop();
      assert.equal(seen.aborted, true);
      assert.equal((await jobById(db, job.id)).forced, false);
    });
  });
}
