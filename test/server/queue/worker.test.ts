import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob, enqueueJobs } from '../../../server/queue/enqueue.js';
import type { JobRow } from '../../../server/queue/rows.js';
import { dbKinds } from '../../support/db.js';
import { countingDb, jobById, jobType, manualGate, useQueueSchema, waitFor, waitForStatus } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };

for (const kind of dbKinds) {
  describe(`worker runtime on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });

    test('claims in batches, completes in batches, and records host, start and end', async () => {
      const counted = countingDb(db, 'for update skip locked');
      const completions = countingDb(counted.db, "then 'interrupted' else 'succeeded' end");
      await enqueueJobs(
        db,
        Array.from({ length: 250 }, (_, index) => ({ type: 'noop', ...user, params: { index } })),
      );
      const worker = workers.start({
        db: completions.db,
        jobTypes: [jobType('noop', async () => {})],
        claimBatchSize: 100,
        completionBatchSize: 100,
        concurrency: 200,
      });
      await waitFor(async () => {
        const { rows } = await db.query<{ n: number }>(
          `select count(*)::int as n from jobs where status = 'succeeded'`,
        );
        return rows[0]?.n === 250;
      });
      await worker.stop();
      assert.ok(counted.count() <= 5, `${counted.count()} claim statements for 250 jobs`);
      assert.ok(
        completions.count() >= 1 && completions.count() <= 10,
        `${completions.count()} completion statements for 250 jobs`,
      );
      const { rows } = await db.query<JobRow>(`select * from jobs`);
      for (const job of rows) {
        assert.equal(job.host, worker.id);
        assert.equal(job.attempt, 1);
        assert.ok(job.started_at && job.ended_at);
        assert.ok(job.created_at <= job.started_at && job.started_at <= job.ended_at);
      }
      const { rows: held } = await db.query<{ queued: number; leases: number }>(
        `select (select count(*)::int from job_queue) as queued, (select count(*)::int from job_leases) as leases`,
      );
      assert.deepEqual(held[0], { queued: 0, leases: 0 }, 'ended jobs leave the queue and their leases');
    });

    test('a job that ends before it is marked running goes from queued to its end in one write', async () => {
      const { rows: before } = await db.query<{ last: string }>(`select coalesce(max(id), 0) as last from job_events`);
      const job = await enqueueJob(db, { type: 'quick', ...user });
      const worker = workers.start({ db, markRunningAfterMs: 60_000, jobTypes: [jobType('quick', async () => {})] });
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.equal(ended.host, worker.id);
      assert.equal(ended.attempt, 1);
      assert.ok(ended.started_at && ended.ended_at && ended.created_at <= ended.started_at);
      assert.ok(ended.started_at <= ended.ended_at);
      const { rows } = await db.query<{ kind: string }>(
        `
select k.kind
from job_events e, unnest(e.kinds, e.job_ids) with ordinality as k(kind, job_id, position)
where k.job_id = $1::bigint and e.id > $2::bigint
order by e.id, k.position`,
        [job.id, before[0]?.last],
      );
      assert.deepEqual(
        rows.map((row) => row.kind),
        ['job.created', 'job.finished', 'notification.created'],
      );
    });

    test('a job is marked running after `markRunningAfterMs`, or before its first report', async () => {
      const [gate, release] = manualGate();
      const silent = await enqueueJob(db, { type: 'silent', ...user });
      const reporting = await enqueueJob(db, { type: 'reporting', ...user });
      const worker = workers.start({
        db,
        markRunningAfterMs: 300,
        jobTypes: [
          jobType('silent', () => gate),
          jobType('reporting', async ({ progress }) => {
            progress(1, 10, 'first row');
            await gate;
          }),
        ],
      });
      const reported = await waitFor(async () => {
        const row = await jobById(db, reporting.id);
        return row.progress_done === 1 && row;
      });
      assert.equal(reported.status, 'running', 'no progress on a job that reads queued');
      assert.equal(reported.host, worker.id);
      assert.ok(reported.started_at);
      const startedAt = Date.now();
      const marked = await waitForStatus(db, silent.id, ['running']);
      assert.equal(marked.host, worker.id);
      assert.equal(marked.attempt, 1);
      assert.ok(marked.started_at && marked.last_heartbeat_at);
      release();
      const ended = await waitForStatus(db, silent.id, ['succeeded']);
      await waitForStatus(db, reporting.id, ['succeeded']);
      await worker.stop();
      assert.ok(Date.now() - startedAt < 2000);
      assert.equal(ended.attempt, 1, 'marking and completing count one attempt');
      assert.deepEqual(ended.started_at, marked.started_at);
    });

    test('leaves jobs of unknown types and jobs not yet due in the queue', async () => {
      const other = await enqueueJob(db, { type: 'someone-else', ...user });
      const later = await enqueueJob(db, { type: 'noop', ...user, runAfter: new Date(Date.now() + 60_000) });
      const now = await enqueueJob(db, { type: 'noop', ...user });
      const worker = workers.start({ db, jobTypes: [jobType('noop', async () => {})] });
      await waitForStatus(db, now.id, ['succeeded']);
      await worker.stop();
      assert.equal((await jobById(db, other.id)).status, 'queued');
      assert.equal((await jobById(db, later.id)).status, 'queued');
    });

    test('a handler that throws fails the job with its code and message, and records an error message', async () => {
      const plain = await enqueueJob(db, { type: 'boom', ...user, params: {} });
      const coded = await enqueueJob(db, { type: 'boom', ...user, params: { code: 'bad_input' } });
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('boom', async ({ params }) => {
            throw Object.assign(
              new Error(`Broke ${params.code ?? 'plainly'}`),
              params.code ? { code: params.code } : {},
            );
          }),
        ],
      });
      const failed = await waitForStatus(db, plain.id, ['failed']);
      const failedWithCode = await waitForStatus(db, coded.id, ['failed']);
      await worker.stop();
      assert.equal(failed.error_code, 'handler_exception');
      assert.equal(failed.error_message, 'Broke plainly');
      assert.equal(failed.errors, 1);
      assert.equal(failedWithCode.error_code, 'bad_input');
      const { rows } = await db.query<{ level: string; message: string }>(
        `select level, message from job_messages where job_id = $1::bigint`,
        [plain.id],
      );
      assert.deepEqual(rows, [{ level: 'error', message: 'Broke plainly' }]);
    });

    test('runs at most `concurrency` handlers at once', async () => {
      let runningNow = 0;
      let most = 0;
      const [gate, release] = manualGate();
      await enqueueJobs(
        db,
        Array.from({ length: 10 }, () => ({ type: 'gated', ...user })),
      );
      const worker = workers.start({
        db,
        concurrency: 3,
        jobTypes: [
          jobType('gated', async () => {
            runningNow++;
            most = Math.max(most, runningNow);
            await gate;
            runningNow--;
          }),
        ],
      });
      await waitFor(async () => runningNow === 3);
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from job_leases cross join lateral unnest(job_ids)`,
      );
      assert.equal(rows[0]?.n, 3);
      // Handlers still running a moment after their claim show as running in `jobs`.
      await waitFor(async () => {
        const marked = await db.query<{ n: number }>(`select count(*)::int as n from jobs where status = 'running'`);
        return marked.rows[0]?.n === 3;
      });
      release();
      await waitFor(async () => {
        const done = await db.query<{ n: number }>(`select count(*)::int as n from jobs where status = 'succeeded'`);
        return done.rows[0]?.n === 10;
      });
      await worker.stop();
      assert.equal(most, 3);
    });

    test('an idle worker starts a new job on NOTIFY, well before its safety poll', async () => {
      const counted = countingDb(db, 'for update skip locked');
      let startedAt = 0;
      const worker = workers.start({
        db: counted.db,
        pollMs: 60_000,
        jobTypes: [
          jobType('wake', async () => {
            startedAt = Date.now();
          }),
        ],
      });
      // The first claim found nothing: the worker is now idle and only a NOTIFY can wake it.
      await waitFor(async () => counted.count() >= 1);
      await new Promise((resolve) => setImmediate(resolve));
      const enqueuedAt = Date.now();
      const job = await enqueueJob(db, { type: 'wake', ...user });
      await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.ok(startedAt - enqueuedAt < 500, `started ${startedAt - enqueuedAt} ms after enqueue`);
    });

    test('registers itself in workers while alive and leaves on stop', async () => {
      const worker = workers.start({ db, jobTypes: [jobType('noop', async () => {})] });
      await waitFor(async () => {
        const { rows } = await db.query(`select 1 from workers where id = $1::text`, [worker.id]);
        return rows.length === 1;
      });
      await worker.stop();
      const { rows } = await db.query(`select 1 from workers where id = $1::text`, [worker.id]);
      assert.equal(rows.length, 0);
    });

    test('stopping lets running jobs finish within the grace period', async () => {
      const job = await enqueueJob(db, { type: 'slow', ...user });
      const worker = workers.start({
        db,
        jobTypes: [jobType('slow', () => new Promise((resolve) => setTimeout(resolve, 150)))],
      });
      await waitForStatus(db, job.id, ['running']);
      await worker.stop({ graceMs: 5000 });
      assert.equal((await jobById(db, job.id)).status, 'succeeded');
    });

    test('a second stop() waits for the same shutdown instead of returning at once', async () => {
      const job = await enqueueJob(db, { type: 'slow', ...user });
      const worker = workers.start({
        db,
        jobTypes: [jobType('slow', () => new Promise((resolve) => setTimeout(resolve, 200)))],
      });
      await waitForStatus(db, job.id, ['running']);
      const first = worker.stop({ graceMs: 5000 });
      // A caller that then closes the database would cut the first call's writes short.
      await worker.stop();
      assert.equal((await jobById(db, job.id)).status, 'succeeded');
      await first;
    });

    test('nothing is written once stop() has returned', async () => {
      for (let round = 0; round < 5; round++) {
        const statements = countingDb(db, '');
        await enqueueJobs(
          db,
          Array.from({ length: 20 }, (_, index) => ({ type: 'short', ...user, params: { ms: 5 + index * 3 } })),
        );
        const worker = workers.start({
          db: statements.db,
          jobTypes: [
            jobType('short', ({ params }) => new Promise((resolve) => setTimeout(resolve, params.ms as number))),
          ],
        });
        await new Promise((resolve) => setTimeout(resolve, 40));
        await worker.stop({ graceMs: 5000 });
        const afterStop = statements.count();
        // A lease-drop flush used to be scheduled by the last one and ran 100 ms later, on a pool the host had closed.
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal(statements.count(), afterStop, `round ${round}`);
      }
    });

    test('stopping releases jobs still running after the grace period back to the queue', async () => {
      const job = await enqueueJob(db, { type: 'stuck', ...user });
      let aborted = false;
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('stuck', ({ signal, progress, step, count, warn }) => {
            step('load', 'Loading');
            count('read', 2);
            warn('Row 1 skipped: no price.');
            progress(2, 10, 'Row 2');
            return new Promise((resolve) =>
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              }),
            );
          }),
        ],
      });
      await waitFor(async () => (await jobById(db, job.id)).progress_done === 2 || undefined);
      await worker.stop({ graceMs: 50 });
      const released = await jobById(db, job.id);
      assert.equal(aborted, true);
      assert.equal(released.status, 'queued');
      assert.equal(released.attempt, 0);
      assert.equal(released.host, null);
      assert.equal(released.started_at, null);
      // Queued again, it shows nothing of the attempt that was stopped, which the next one reports again.
      assert.deepEqual([released.progress_done, released.progress_total, released.progress_message], [0, null, null]);
      assert.deepEqual([released.counters, released.steps, released.warnings], [{}, [], 0]);
      const { rows } = await db.query(`select 1 from job_messages where job_id = $1::bigint`, [job.id]);
      assert.equal(rows.length, 0);
    });
  });
}
