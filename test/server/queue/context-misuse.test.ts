/**
 * A handler's context used wrongly, through a real worker and database: the wrong call fails (its job, with a
 * message naming the call), the worker runs on, and no other job loses what it recorded.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob } from '../../../server/queue/enqueue.js';
import type { JobMessageRow } from '../../../server/queue/rows.js';
import { dbKinds } from '../../support/db.js';
import { jobById, jobType, manualGate, useQueueSchema, waitFor, waitForStatus } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };

for (const kind of dbKinds) {
  describe(`handler context misused on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });
    const messagesOf = async (jobId: string) =>
      (await db.query<JobMessageRow>(`select * from job_messages where job_id = $1::bigint order by id`, [jobId])).rows;

    test('a thrown value with no text form fails its job, and the worker runs on', async () => {
      const hostile = await enqueueJob(db, { type: 'hostile', ...user });
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('hostile', async () => {
            throw Object.create(null);
          }),
          jobType('fine', async () => {}),
        ],
      });
      const failed = await waitForStatus(db, hostile.id, ['failed']);
      assert.equal(failed.error_code, 'handler_exception');
      assert.match(failed.error_message ?? '', /cannot be shown as text/);
      const fine = await enqueueJob(db, { type: 'fine', ...user });
      await waitForStatus(db, fine.id, ['succeeded']);
      await worker.stop();
    });

    test('a wrong argument fails its own job at once; jobs ending in the same batch keep what they recorded', async () => {
      const [gate, release] = manualGate();
      const nan = await enqueueJob(db, { type: 'nan', ...user });
      const broken = await enqueueJob(db, { type: 'broken', ...user });
      const counted = await enqueueJob(db, { type: 'counted', ...user });
      const worker = workers.start({
        db,
        completionFlushMs: 50,
        jobTypes: [
          jobType('nan', async ({ progress }) => {
            await gate;
            progress(Number.NaN, 10);
          }),
          jobType('broken', async ({ count }) => {
            count('read', 7);
            await gate;
            throw Object.assign(new Error('innocent failure\u0000'), { code: 'bad code\u0000' });
          }),
          jobType('counted', async ({ count }) => {
            count('read', 7);
            await gate;
          }),
        ],
      });
      await waitFor(async () => (await jobById(db, counted.id)).status === 'running' || undefined);
      release();
      // Well before any lease would expire: the completions were written, not recovered.
      const [nanJob, brokenJob, countedJob] = await Promise.all(
        [nan, broken, counted].map((job) => waitForStatus(db, job.id, ['failed', 'succeeded'], 3000)),
      );
      await worker.stop();
      assert.equal(nanJob?.status, 'failed');
      assert.equal(
        nanJob?.error_message,
        'progress(): done must be a number up to 2147483647 (report large sizes in larger units), not NaN.',
      );
      assert.equal(brokenJob?.status, 'failed');
      assert.equal(brokenJob?.error_code, 'handler_exception');
      assert.equal(brokenJob?.error_message, 'innocent failure\uFFFD');
      assert.deepEqual({ ...brokenJob?.counters }, { read: 7 });
      assert.equal(countedJob?.status, 'succeeded');
      assert.deepEqual({ ...countedJob?.counters }, { read: 7 });
    });

    test('messages keep what the database can hold; an item that is no JSON fails the call, awaited or not', async () => {
      const kept = await enqueueJob(db, { type: 'kept', ...user });
      const circular = await enqueueJob(db, { type: 'circular', ...user });
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('kept', async ({ warn, count }) => {
            await warn('Odd row\u0000', { 'sku\u0000': 'A\uD800', row: 2 });
            count('toString');
            count('__proto__', 2);
          }),
          jobType('circular', async ({ warn }) => {
            const row: Record<string, unknown> = { row: 3 };
            row.self = row;
            warn('Odd row', row); // not awaited
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }),
        ],
      });
      const keptJob = await waitForStatus(db, kept.id, ['succeeded', 'failed']);
      const circularJob = await waitForStatus(db, circular.id, ['succeeded', 'failed']);
      await worker.stop();
      assert.equal(keptJob.status, 'succeeded');
      assert.equal(keptJob.warnings, 1);
      const [message] = await messagesOf(kept.id);
      assert.equal(message?.message, 'Odd row\uFFFD');
      assert.deepEqual(message?.item, { 'sku\uFFFD': 'A\uFFFD', row: 2 });
      assert.deepEqual(JSON.parse(JSON.stringify(keptJob.counters)), { toString: 1, ['__proto__']: 2 });
      assert.equal(circularJob.status, 'failed');
      assert.match(circularJob.error_message ?? '', /^warn\(\): item must be JSON \(Converting circular structure/);
    });

    test('a database refusing its writes is asked again once per progress interval, not in a tight loop', async () => {
      const job = await enqueueJob(db, { type: 'refused', ...user });
      let attempts = 0;
      const refusing: Db = {
        ...db,
        query(sql, params, options) {
          if (sql.includes('insert into job_messages (job_id, level, message, item, step, at)')) {
            attempts++;
            return Promise.reject(new Error('the database refuses'));
          }
          return db.query(sql, params, options);
        },
      };
      const worker = workers.start({
        db: refusing,
        progressIntervalMs: 100,
        jobTypes: [
          jobType('refused', async ({ warn }) => {
            await warn('Kept for the next write');
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }),
        ],
      });
      await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      // One second at one attempt per 100 ms, and the last one before the completion.
      assert.ok(attempts >= 3 && attempts <= 15, `${attempts} attempts`);
    });

    test('after its end a job takes no more messages, and a late file is refused with a reason', async () => {
      const late = await enqueueJob(db, { type: 'late', ...user });
      let lateSave: Promise<unknown> | null = null;
      const [lateCallsDone, ended] = manualGate();
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('late', async (job) => {
            await job.warn('Before the end');
            setTimeout(() => {
              for (let i = 0; i < 600; i++) job.warn(`After the end ${i}`);
              try {
                job.saveArtifact({
                  name: 'late.csv',
                  role: 'output',
                  fileName: 'late.csv',
                  contentType: 'text/csv',
                  data: '',
                });
              } catch (error) {
                lateSave = Promise.resolve(error);
              }
              ended();
            }, 200);
          }),
        ],
      });
      await waitForStatus(db, late.id, ['succeeded']);
      await lateCallsDone;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await worker.stop();
      assert.match(String(await lateSave), /saveArtifact\(\): job \d+ has ended; "late.csv" was not saved/);
      assert.equal((await jobById(db, late.id)).warnings, 1);
      assert.deepEqual(
        (await messagesOf(late.id)).map((m) => m.message),
        ['Before the end'],
      );
    });

    test("a file checks its name and media type, and an output never replaces the job's input", async () => {
      const badName = await enqueueJob(db, { type: 'bad-name', ...user });
      const overInput = await enqueueJob(db, { type: 'over-input', ...user });
      const artifact = { fileName: 'f.csv', contentType: 'text/csv', data: 'a,b\n' };
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('bad-name', async ({ saveArtifact }) => {
            await saveArtifact({ ...artifact, name: '../escape', role: 'output' });
          }),
          jobType('over-input', async ({ saveArtifact }) => {
            await saveArtifact({ ...artifact, name: 'in.csv', role: 'input' });
            await saveArtifact({ ...artifact, name: 'in.csv', role: 'output', data: 'replaced' });
          }),
        ],
      });
      const badNameJob = await waitForStatus(db, badName.id, ['failed', 'succeeded']);
      const overInputJob = await waitForStatus(db, overInput.id, ['failed', 'succeeded']);
      await worker.stop();
      assert.match(badNameJob.error_message ?? '', /^saveArtifact\(\): name must be 1 to 128 letters/);
      assert.match(overInputJob.error_message ?? '', /already has an artifact "in.csv" that is not an output/);
      const { rows } = await db.query<{ role: string; data: Uint8Array }>(
        `select role, data from job_artifacts where job_id = $1::bigint`,
        [overInput.id],
      );
      assert.deepEqual(
        rows.map((row) => [row.role, Buffer.from(row.data).toString()]),
        [['input', 'a,b\n']],
      );
    });
  });
}
