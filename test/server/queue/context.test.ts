import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import { maxSteps } from '../../../server/queue/context.js';
import { enqueueJob } from '../../../server/queue/enqueue.js';
import type { JobMessageRow, StepRow } from '../../../server/queue/rows.js';
import { dbKinds } from '../../support/db.js';
import { countingDb, jobType, manualGate, useQueueSchema, waitFor, waitForStatus } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };
const progressWrite = 'set progress_done = $3::integer';

for (const kind of dbKinds) {
  describe(`handler context on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });

    test('a tight loop of 10,000 progress() calls makes a handful of writes, and the last value is kept', async () => {
      const counted = countingDb(db, progressWrite);
      const job = await enqueueJob(db, { type: 'loop', ...user });
      const worker = workers.start({
        db: counted.db,
        jobTypes: [
          jobType('loop', async ({ progress }) => {
            for (let done = 1; done <= 10_000; done++) progress(done, 10_000, `Item ${done}`);
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.ok(counted.count() <= 2, `${counted.count()} progress writes`);
      assert.equal(ended.progress_done, 10_000);
      assert.equal(ended.progress_total, 10_000);
      assert.equal(ended.progress_message, 'Item 10000');
    });

    test('2,000 warnings in a tight loop reach the database in a few statements, all kept, in order', async () => {
      const counted = countingDb(db, 'insert into job_messages');
      const job = await enqueueJob(db, { type: 'warnings', ...user });
      const worker = workers.start({
        db: counted.db,
        jobTypes: [
          jobType('warnings', async ({ warn, error }) => {
            for (let row = 1; row <= 2_000; row++) await warn('Price is not a number', { row });
            await error('Gave up on the last row', { row: 2_001 });
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.ok(counted.count() <= 10, `${counted.count()} message statements for 2,001 messages`);
      assert.equal(ended.warnings, 2_000);
      assert.equal(ended.errors, 1);
      const { rows } = await db.query<{ row: number; level: string }>(
        `select (item->>'row')::int as row, level from job_messages where job_id = $1::bigint order by id`,
        [job.id],
      );
      assert.equal(rows.length, 2_001);
      assert.ok(
        rows.every((message, index) => message.row === index + 1),
        'messages keep the order they were reported in',
      );
      assert.equal(rows.at(-1)!.level, 'error');
    });

    test('progress over time is written at most once per interval, and is visible while the job runs', async () => {
      const counted = countingDb(db, progressWrite);
      const [gate, release] = manualGate();
      const job = await enqueueJob(db, { type: 'steady', ...user });
      const worker = workers.start({
        db: counted.db,
        progressIntervalMs: 100,
        jobTypes: [
          jobType('steady', async ({ progress }) => {
            const start = Date.now();
            for (let done = 1; Date.now() - start < 500; done++) {
              progress(done, null, 'working');
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
            await gate;
          }),
        ],
      });
      await waitFor(async () => {
        const { rows } = await db.query<{ progress_done: number }>(
          `select progress_done from jobs where id = $1::bigint`,
          [job.id],
        );
        return (rows[0]?.progress_done ?? 0) > 0;
      });
      await waitFor(async () => counted.count() >= 4);
      release();
      await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      // 500 ms at one write per 100 ms: about 5, never one per call (hundreds).
      assert.ok(counted.count() <= 7, `${counted.count()} progress writes`);
    });

    test('progress writes do not pile up while the database is slow', async () => {
      let writes = 0;
      const delays = [
        { marker: 'queue_mark_jobs_running', ms: 200 },
        { marker: progressWrite, ms: 20 },
      ];
      const slow: Db = {
        ...db,
        async query(sql, params, options) {
          const delay = delays.find(({ marker }) => sql.includes(marker) || options?.name === marker);
          if (delay?.marker === progressWrite) writes++;
          if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms));
          return db.query(sql, params, options);
        },
      };
      const job = await enqueueJob(db, { type: 'busy', ...user });
      const worker = workers.start({
        db: slow,
        progressIntervalMs: 100,
        jobTypes: [
          jobType('busy', async ({ progress }) => {
            const start = Date.now();
            for (let done = 1; Date.now() - start < 600; done++) {
              progress(done, null, 'working');
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      // The first write waits 200 ms for the job to be marked running; progress() calls meanwhile queue nothing
      // more: about one write per 100 ms of the 400 ms left, not one per call.
      assert.ok(writes >= 2 && writes <= 6, `${writes} progress writes`);
      assert.ok(ended.progress_done > 100, 'the last progress rides on the completion');
    });

    test('messages, counters and steps are recorded per step and in total', async () => {
      const job = await enqueueJob(db, { type: 'report', ...user });
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('report', async (context) => {
            await context.step('read', 'Read the file');
            context.count('read', 5);
            context.count('skipped');
            await context.warn('Row 3 has no price', { row: 3 });
            await context.step('write', 'Write products');
            context.count('written', 4);
            await context.info('Done writing');
            await context.error('Row 9 was rejected', { row: 9 });
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.deepEqual(ended.counters, { read: 5, skipped: 1, written: 4 });
      assert.equal(ended.warnings, 1);
      assert.equal(ended.errors, 1);
      const steps = ended.steps as StepRow[];
      assert.deepEqual(
        steps.map(({ name, label, status, counters }) => ({ name, label, status, counters })),
        [
          { name: 'read', label: 'Read the file', status: 'succeeded', counters: { read: 5, skipped: 1 } },
          { name: 'write', label: 'Write products', status: 'succeeded', counters: { written: 4 } },
        ],
      );
      for (const step of steps) assert.ok(step.startedAt && step.endedAt && step.startedAt <= step.endedAt);
      const { rows } = await db.query<JobMessageRow>(
        `select level, message, item, step from job_messages where job_id = $1::bigint order by id`,
        [job.id],
      );
      assert.deepEqual(rows, [
        { level: 'warning', message: 'Row 3 has no price', item: { row: 3 }, step: 'read' },
        { level: 'info', message: 'Done writing', item: null, step: 'write' },
        { level: 'error', message: 'Row 9 was rejected', item: { row: 9 }, step: 'write' },
      ]);
    });

    test('steps in a loop are written with the throttled progress, not one write each, and all are kept', async () => {
      const counted = countingDb(db, progressWrite);
      const job = await enqueueJob(db, { type: 'many-steps', ...user });
      const shown: string[] = [];
      const worker = workers.start({
        db: counted.db,
        progressIntervalMs: 200,
        jobTypes: [
          jobType('many-steps', async ({ jobId, step, count }) => {
            for (let i = 1; i <= maxSteps; i++) {
              await step(`part-${i}`, `Part ${i}`);
              count('read');
            }
            // A step after a quiet moment shows at once, as the first one did.
            await new Promise((resolve) => setTimeout(resolve, 300));
            const { rows } = await db.query<{ steps: StepRow[] }>(`select steps from jobs where id = $1::bigint`, [
              jobId,
            ]);
            shown.push(rows[0]!.steps.at(-1)!.name);
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['succeeded', 'failed'], 20_000);
      await worker.stop();
      assert.equal(ended.error_message, null);
      assert.ok(counted.count() <= 4, `${counted.count()} progress writes`);
      assert.deepEqual(shown, [`part-${maxSteps}`]);
      const steps = ended.steps as StepRow[];
      assert.equal(steps.length, maxSteps);
      assert.ok(steps.every((step, i) => step.name === `part-${i + 1}` && step.counters.read === 1));
      assert.deepEqual(ended.counters, { read: maxSteps });
    });

    test('one step more than a job may report fails the call, saying how to report items instead', async () => {
      const job = await enqueueJob(db, { type: 'too-many-steps', ...user });
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('too-many-steps', async ({ step }) => {
            for (let i = 1; i <= maxSteps + 1; i++) await step(`part-${i}`, `Part ${i}`);
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['failed'], 20_000);
      await worker.stop();
      assert.equal(
        ended.error_message,
        `step(): a job reports at most ${maxSteps} steps ("part-${maxSteps + 1}" would be one more); report items with progress() and count().`,
      );
      assert.equal((ended.steps as StepRow[]).length, maxSteps);
    });

    test('a failing job marks its open step failed', async () => {
      const job = await enqueueJob(db, { type: 'halfway', ...user });
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('halfway', async ({ step }) => {
            await step('load', 'Load');
            throw new Error('Disk full');
          }),
        ],
      });
      const ended = await waitForStatus(db, job.id, ['failed']);
      await worker.stop();
      assert.deepEqual(
        (ended.steps as StepRow[]).map((step) => step.status),
        ['failed'],
      );
    });

    test('artifacts: a handler reads its input and saves an output', async () => {
      const job = await enqueueJob(db, { type: 'convert', ...user });
      await db.query(
        `insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
values ($1::bigint, 'upload', 'input', 'in.csv', 'text/csv', 7, convert_to('a,b\n1,2', 'UTF8'))`,
        [job.id],
      );
      let missing: Uint8Array | null = new Uint8Array();
      const worker = workers.start({
        db,
        jobTypes: [
          jobType('convert', async ({ readArtifact, saveArtifact }) => {
            missing = await readArtifact('nothing');
            const input = new TextDecoder().decode((await readArtifact('upload')) ?? new Uint8Array());
            await saveArtifact({
              name: 'result',
              role: 'output',
              fileName: 'out.csv',
              contentType: 'text/csv',
              data: input.toUpperCase(),
            });
          }),
        ],
      });
      await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.equal(missing, null);
      const { rows } = await db.query<{ size: number; text: string; role: string }>(
        `select size, role, convert_from(data, 'UTF8') as text from job_artifacts where job_id = $1::bigint and name = 'result'`,
        [job.id],
      );
      assert.deepEqual(rows, [{ size: 7, role: 'output', text: 'A,B\n1,2' }]);
    });
  });
}
