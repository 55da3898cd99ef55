import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob, enqueueJobs } from '../../../server/queue/enqueue.js';
import { claimJobs } from '../../../server/queue/sql/claimJobs.js';
import type { JobContext } from '../../../server/queue/types.js';
import type { Worker } from '../../../server/queue/worker.js';
import { dbKinds } from '../../support/db.js';
import {
  countingDb,
  isWaiting,
  jobById,
  jobType,
  leaseByHand,
  leaseHolder,
  manualGate,
  useQueueSchema,
  waitFor,
  waitForStatus,
} from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };

for (const kind of dbKinds) {
  describe(`hand-off of a job queued on its own, on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });

    /**
     * What a hand-off writes, minus its NOTIFY (as if the listening connection had dropped): a job not yet due (so
     * not handed over when queued), then held for the worker by hand.
     */
    async function heldWithoutNotify(type: string, worker: Worker): Promise<string> {
      const job = await enqueueJob(db, { type, ...user, runAfter: new Date(Date.now() + 60_000) });
      await leaseByHand(db, job.id, worker.id);
      return job.id;
    }

    /** The slots a worker offers for hand-off, as the queuing statement sees them. */
    async function offered(workerId: string): Promise<number> {
      const { rows } = await db.query<{ free_slots: number }>(`select free_slots from workers where id = $1::text`, [
        workerId,
      ]);
      return rows[0]?.free_slots ?? 0;
    }

    test('an idle worker is handed a single job by the statement that queues it, and starts it without a claim', async () => {
      const claims = countingDb(db, 'for update skip locked');
      const seen: JobContext[] = [];
      const worker = workers.start({
        db: claims.db,
        pollMs: 60_000,
        concurrency: 5,
        jobTypes: [jobType('single', async (context) => void seen.push(context))],
      });
      await waitFor(async () => (await offered(worker.id)) === 5);
      const claimsBefore = claims.count();
      const job = await enqueueJob(db, { type: 'single', ...user, params: { sku: 'A-1' }, maxAttempts: 3 });
      const done = await waitForStatus(db, job.id, ['succeeded']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(claims.count() - claimsBefore, 0, 'no claim: the job came with its NOTIFY');
      assert.equal(await offered(worker.id), 4, 'one slot of the offer used');
      await worker.stop();
      assert.equal(done.host, worker.id);
      assert.equal(done.attempt, 1);
      assert.ok(done.started_at && done.ended_at && done.started_at <= done.ended_at);
      assert.equal(seen.length, 1);
      assert.deepEqual(seen[0]?.params, { sku: 'A-1' });
      assert.equal(seen[0]?.attempt, 1);
    });

    test('a worker whose offer is used up renews it when a handed-over job ends', async () => {
      const claims = countingDb(db, 'for update skip locked');
      const worker = workers.start({
        db: claims.db,
        pollMs: 60_000,
        concurrency: 2,
        jobTypes: [jobType('pair', async () => {})],
      });
      await waitFor(async () => (await offered(worker.id)) === 2);
      const first = await enqueueJob(db, { type: 'pair', ...user });
      await waitForStatus(db, first.id, ['succeeded']);
      const claimsBefore = claims.count();
      const second = await enqueueJob(db, { type: 'pair', ...user });
      await waitForStatus(db, second.id, ['succeeded']);
      // Both slots were handed over: the end of the second job renews the offer with one claim.
      await waitFor(async () => (await offered(worker.id)) === 2);
      await worker.stop();
      assert.equal(claims.count() - claimsBefore, 1);
    });

    test('jobs queued in bulk wake idle workers to claim instead', async () => {
      const claims = countingDb(db, 'for update skip locked');
      const ran: string[] = [];
      const worker = workers.start({
        db: claims.db,
        pollMs: 60_000,
        jobTypes: [jobType('bulk', async ({ jobId }) => void ran.push(jobId))],
      });
      await waitFor(async () => (await offered(worker.id)) > 0);
      const claimsBefore = claims.count();
      await enqueueJobs(db, [
        { type: 'bulk', ...user },
        { type: 'bulk', ...user },
      ]);
      await waitFor(async () => ran.length === 2);
      await worker.stop();
      assert.ok(claims.count() > claimsBefore, 'claimed after the NOTIFY');
    });

    test('params too big for a NOTIFY are read by the worker', async () => {
      let received: unknown = null;
      const worker = workers.start({
        db,
        pollMs: 60_000,
        jobTypes: [
          jobType('big', async ({ params }) => {
            received = params;
          }),
        ],
      });
      await waitFor(async () => (await offered(worker.id)) > 0);
      const params = { rows: 'x'.repeat(20_000) };
      const job = await enqueueJob(db, { type: 'big', ...user, params });
      await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.deepEqual(received, params);
    });

    test('a busy worker hands back a job offered by a stale count, and runs it once it has room', async () => {
      const [gate, release] = manualGate();
      let runningNow = 0;
      let most = 0;
      const worker = workers.start({
        db,
        concurrency: 1,
        pollMs: 200,
        jobTypes: [
          jobType('gated', async () => {
            most = Math.max(most, ++runningNow);
            await gate;
            runningNow--;
          }),
        ],
      });
      await waitFor(async () => (await offered(worker.id)) === 1);
      const first = await enqueueJob(db, { type: 'gated', ...user });
      await waitFor(async () => runningNow === 1);
      // As if the worker's offer were out of date: it has no free slot.
      await db.query(`update workers set free_slots = 1 where id = $1::text`, [worker.id]);
      const second = await enqueueJob(db, { type: 'gated', ...user });
      await waitFor(async () => (await isWaiting(db, second.id)) && (await leaseHolder(db, second.id)) === null);
      assert.equal((await jobById(db, second.id)).attempt, 0, 'handing back uses no attempt');
      release();
      await waitForStatus(db, first.id, ['succeeded']);
      await waitForStatus(db, second.id, ['succeeded']);
      await worker.stop();
      assert.equal(most, 1);
    });

    test('a claim offers slots only once it finds the queue empty, not when stale rows made it short', async () => {
      await db.query(`insert into workers (id) values ('w')`);
      await enqueueJobs(db, [
        { type: 'stale', ...user },
        { type: 'stale', ...user },
        { type: 'stale', ...user },
      ]);
      // A host's own SQL ended the first one while it waited: its queue row is stale.
      await db.query(`update jobs set status = 'interrupted' where id = (select min(id) from jobs)`);
      assert.equal((await claimJobs(db, 'w', ['stale'], 2, 60_000, 10)).length, 1);
      assert.equal(await offered('w'), 0, 'one job still waits: no offer');
      assert.equal((await claimJobs(db, 'w', ['stale'], 2, 60_000, 9)).length, 1);
      assert.equal(await offered('w'), 8, 'queue empty: the rest is offered');
    });

    test('a job queued at the end of a transaction older than the lease is handed over with a full lease', async () => {
      const worker = workers.start({
        db,
        leaseMs: 1000,
        recoveryMs: 50,
        jobTypes: [jobType('late', () => new Promise((resolve) => setTimeout(resolve, 300)))],
      });
      await waitFor(async () => (await offered(worker.id)) > 0);
      const job = await db.transaction(async (tx) => {
        await tx.query(`select pg_sleep(1.2)`);
        return enqueueJob(tx, { type: 'late', ...user, maxAttempts: 1 });
      });
      // Leased from the transaction's start (`now()`), it was already expired when handed over, and recovered as lost.
      const ended = await waitForStatus(db, job.id, ['succeeded', 'failed'], 5000);
      await worker.stop();
      assert.equal(ended.status, 'succeeded', String(ended.error_message));
      assert.equal(ended.host, worker.id);
    });

    test('a worker not seen within its lease is offered nothing', async () => {
      await db.query(
        `insert into workers (id, last_seen_at, job_types, free_slots, lease_ms)
         values ('gone', now() - interval '1 minute', '{lost}', 10, 30000)`,
      );
      const job = await enqueueJob(db, { type: 'lost', ...user });
      assert.equal(await isWaiting(db, job.id), true);
      assert.equal(await leaseHolder(db, job.id), null);
    });

    test('a held job whose NOTIFY never came is started from the heartbeat', async () => {
      let ran = 0;
      const worker = workers.start({
        db,
        heartbeatMs: 50,
        pollMs: 60_000,
        jobTypes: [jobType('missed', async () => void ran++)],
      });
      await waitFor(async () => (await offered(worker.id)) > 0);
      const jobId = await heldWithoutNotify('missed', worker);
      const done = await waitForStatus(db, jobId, ['succeeded']);
      await worker.stop();
      assert.equal(ran, 1);
      assert.equal(done.host, worker.id);
    });

    test('a stopping worker offers nothing more, and hands back a held job it never started', async () => {
      const worker = workers.start({
        db,
        heartbeatMs: 60_000,
        pollMs: 60_000,
        jobTypes: [jobType('late', async () => {})],
      });
      await waitFor(async () => (await offered(worker.id)) > 0);
      const jobId = await heldWithoutNotify('late', worker);
      await worker.stop();
      assert.equal(await isWaiting(db, jobId), true);
      assert.equal(await leaseHolder(db, jobId), null);
      const back = await jobById(db, jobId);
      assert.equal(back.status, 'queued');
      assert.equal(back.attempt, 0);
      const next = await enqueueJob(db, { type: 'late', ...user });
      assert.equal(await leaseHolder(db, next.id), null, 'a stopped worker is handed nothing');
      assert.equal(await isWaiting(db, next.id), true);
    });
  });
}
