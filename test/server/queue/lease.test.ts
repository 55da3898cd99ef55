import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db, QueryOptions } from '../../../server/db/types.js';
import { enqueueJob } from '../../../server/queue/enqueue.js';
import { saveArtifact } from '../../../server/queue/sql/artifacts.js';
import { claimJobs } from '../../../server/queue/sql/claimJobs.js';
import { insertJobMessages } from '../../../server/queue/sql/insertJobMessages.js';
import { recoverExpiredLeases } from '../../../server/queue/sql/recoverExpiredLeases.js';
import { dbKinds } from '../../support/db.js';
import {
  countingDb,
  jobById,
  jobType,
  leaseHolder,
  manualGate,
  useQueueSchema,
  waitFor,
  waitForStatus,
} from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };

for (const kind of dbKinds) {
  describe(`lease recovery on ${kind}`, () => {
    let db: Db;
    const workers = useQueueSchema(kind, (opened) => {
      db = opened;
    });

    /** A worker that claims with a short lease and then says nothing more, like a killed process. */
    async function claimAndVanish(type: string, leaseMs: number): Promise<void> {
      const claimed = await claimJobs(db, 'vanished-worker', [type], 10, leaseMs, 0);
      assert.ok(claimed.length > 0);
    }

    test('fails a job whose worker stopped renewing its lease, saying so', async () => {
      const job = await enqueueJob(db, { type: 'once', ...user, maxAttempts: 1 });
      await claimAndVanish('once', 100);
      const worker = workers.start({ db, recoveryMs: 50, jobTypes: [jobType('other', async () => {})] });
      const failed = await waitForStatus(db, job.id, ['failed']);
      await worker.stop();
      assert.equal(failed.error_code, 'lease_expired');
      assert.match(failed.error_message ?? '', /vanished-worker stopped renewing its lease/);
      assert.equal(failed.host, 'vanished-worker');
      assert.ok(failed.ended_at);
      const { rows } = await db.query<{ level: string }>(`select level from job_messages where job_id = $1::bigint`, [
        job.id,
      ]);
      assert.deepEqual(rows, [{ level: 'error' }]);
    });

    test('retries a job with attempts left, and another worker runs it', async () => {
      const job = await enqueueJob(db, { type: 'retry', ...user, maxAttempts: 2 });
      await claimAndVanish('retry', 100);
      let attemptSeen = 0;
      const worker = workers.start({
        db,
        recoveryMs: 50,
        jobTypes: [
          jobType('retry', async ({ attempt }) => {
            attemptSeen = attempt;
          }),
        ],
      });
      const done = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.equal(done.host, worker.id);
      assert.equal(done.attempt, 2);
      assert.equal(attemptSeen, 2);
      assert.equal(done.warnings, 1);
    });

    test("a job queued again for another attempt shows none of the lost attempt's progress", async () => {
      const job = await enqueueJob(db, { type: 'retry', ...user, maxAttempts: 2 });
      await claimAndVanish('retry', 100);
      // What the vanished worker had written: the job running, a third of the way, in its first step, a row skipped;
      // and a note an earlier attempt left before this claim.
      await db.query(
        `update jobs set status = 'running', host = 'vanished-worker', attempt = 1, started_at = now(),
           progress_done = 3, progress_total = 9, progress_message = 'Row 3', counters = '{"read": 3}',
           steps = '[{"name": "load", "label": "Loading", "status": "running", "startedAt": "2026-01-01T00:00:00Z", "endedAt": null, "counters": {}}]',
           warnings = 2
         where id = $1::bigint`,
        [job.id],
      );
      await db.query(
        `insert into job_messages (job_id, level, message, at) values
           ($1::bigint, 'warning', 'Note of an earlier attempt.', now() - interval '1 hour'),
           ($1::bigint, 'warning', 'Row 2 skipped: no price.', clock_timestamp())`,
        [job.id],
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      const recovered = await recoverExpiredLeases(db);
      assert.deepEqual(
        recovered.map((row) => [row.id, row.status]),
        [[job.id, 'queued']],
      );
      const queued = await jobById(db, job.id);
      assert.deepEqual([queued.progress_done, queued.progress_total, queued.progress_message], [0, null, null]);
      assert.deepEqual([queued.counters, queued.steps], [{}, []]);
      // The next attempt will report its rows again; the note of the earlier attempt and the recovery's stay.
      const { rows } = await db.query<{ message: string }>(
        `select message from job_messages where job_id = $1::bigint order by id`,
        [job.id],
      );
      assert.deepEqual(
        rows.map((row) => row.message.replace(/ during .*/, '')),
        ['Note of an earlier attempt.', 'Worker vanished-worker stopped renewing its lease'],
      );
      assert.equal(queued.warnings, 2);
    });

    test('does not touch a job whose lease is still valid', async () => {
      const job = await enqueueJob(db, { type: 'held', ...user });
      await claimAndVanish('held', 60_000);
      const counted = countingDb(db, 'with expired as');
      const worker = workers.start({ db: counted.db, recoveryMs: 20, jobTypes: [jobType('other', async () => {})] });
      await waitFor(async () => counted.count() >= 3);
      await worker.stop();
      // The vanished worker's claim stands: its lease still holds the job, which `jobs` never saw start.
      assert.equal((await jobById(db, job.id)).status, 'queued');
      assert.equal(await leaseHolder(db, job.id), 'vanished-worker');
    });

    test('a worker that lost its job adds no messages or artifacts to the run that replaced it', async () => {
      const job = await enqueueJob(db, { type: 'blocked', ...user });
      const [gate, release] = manualGate();
      let artifactError: unknown = null;
      const worker = workers.start({
        db,
        // No heartbeat during the test: as if this worker's event loop were blocked past its lease.
        leaseMs: 600_000,
        jobTypes: [
          jobType('blocked', async ({ warn, saveArtifact }) => {
            await gate;
            warn('Late warning from the lost run.');
            await saveArtifact({
              name: 'out.txt',
              role: 'output',
              fileName: 'out.txt',
              contentType: 'text/plain',
              data: 'stale',
            }).catch((error: unknown) => {
              artifactError = error;
            });
          }),
        ],
      });
      await waitForStatus(db, job.id, ['running']);
      // Recovered meanwhile and running again on another worker, which saved its own output.
      await db.query(
        `
with taken as (delete from job_leases where $1::bigint = any(job_ids))
update jobs set host = 'rescuer', attempt = 2, started_at = now() where id = $1::bigint`,
        [job.id],
      );
      await db.query(
        `insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
         values ($1::bigint, 'out.txt', 'output', 'out.txt', 'text/plain', 5, 'fresh')`,
        [job.id],
      );
      release();
      await waitFor(async () => artifactError !== null);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await worker.stop();
      assert.match(String(artifactError), /no longer runs on this worker/);
      const { rows: artifacts } = await db.query<{ data: Uint8Array }>(
        `select data from job_artifacts where job_id = $1::bigint`,
        [job.id],
      );
      assert.equal(Buffer.from(artifacts[0]!.data).toString(), 'fresh');
      const { rows: messages } = await db.query(`select 1 from job_messages where job_id = $1::bigint`, [job.id]);
      assert.equal(messages.length, 0);
      const replaced = await jobById(db, job.id);
      assert.deepEqual([replaced.status, replaced.host, replaced.warnings], ['running', 'rescuer', 0]);
    });

    test('a worker that gets back a job it lost stops the lost run, and counts and ends the new one', async () => {
      const job = await enqueueJob(db, { type: 'comeback', ...user, maxAttempts: 2 });
      const [firstGate, releaseFirst] = manualGate();
      const [secondGate, releaseSecond] = manualGate();
      const runs: { attempt: number; aborted: boolean }[] = [];
      const worker = workers.start({
        db,
        leaseMs: 60_000,
        heartbeatMs: 50,
        pollMs: 50,
        jobTypes: [
          jobType('comeback', async ({ attempt, signal, progress }) => {
            const run = { attempt, aborted: false };
            runs.push(run);
            signal.addEventListener('abort', () => {
              run.aborted = true;
            });
            await (attempt === 1 ? firstGate : secondGate);
            progress(attempt === 1 ? 11 : 22, 100, `from attempt ${attempt}`);
          }),
        ],
      });
      await waitForStatus(db, job.id, ['running']);
      // Its lease lapsed (say the event loop was blocked) and recovery queued it again: this worker claims it back.
      // In one transaction, so the heartbeat cannot renew the lease in between.
      const recovered = await db.transaction(async (tx) => {
        await tx.query(`update job_leases set lease_expires_at = now() - interval '1 second' where $1 = any(job_ids)`, [
          job.id,
        ]);
        return recoverExpiredLeases(tx);
      });
      assert.deepEqual(
        recovered.map((row) => row.status),
        ['queued'],
      );
      await waitFor(async () => runs.length === 2);
      await waitFor(async () => runs[0]!.aborted);
      assert.equal(runs[1]!.aborted, false);
      releaseFirst();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(worker.running, 1, 'the new run is still counted while the lost one ends');
      const running = await jobById(db, job.id);
      assert.deepEqual([running.status, running.attempt, running.progress_done], ['running', 2, 0]);
      releaseSecond();
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.deepEqual([ended.attempt, ended.progress_done, ended.progress_message], [2, 22, 'from attempt 2']);
    });

    test('a heartbeat sent before the worker got its job back does not stop the new run', async () => {
      const job = await enqueueJob(db, { type: 'comeback', ...user, maxAttempts: 2 });
      const [heartbeatGate, releaseHeartbeat] = manualGate();
      let holdHeartbeats = false;
      let heartbeatsHeld = 0;
      let heldHeartbeatAnswered = false;
      const runs: { attempt: number; aborted: boolean }[] = [];
      const [secondGate, releaseSecond] = manualGate();
      const worker = workers.start({
        db: {
          ...db,
          async query<Row>(sql: string, params?: unknown[], options?: QueryOptions) {
            if (holdHeartbeats && sql.includes('insert into workers (id)')) {
              heartbeatsHeld++;
              await heartbeatGate;
              const answer = await db.query<Row>(sql, params, options);
              heldHeartbeatAnswered = true;
              return answer;
            }
            return db.query<Row>(sql, params, options);
          },
        },
        leaseMs: 60_000,
        heartbeatMs: 50,
        pollMs: 50,
        jobTypes: [
          jobType('comeback', async ({ attempt, signal }) => {
            const run = { attempt, aborted: false };
            runs.push(run);
            signal.addEventListener('abort', () => {
              run.aborted = true;
            });
            if (attempt === 2) await secondGate;
            else await new Promise((resolve) => signal.addEventListener('abort', resolve));
          }),
        ],
      });
      await waitForStatus(db, job.id, ['running']);
      // A heartbeat leaves listing the first run; it is answered only once the job runs again here.
      holdHeartbeats = true;
      await waitFor(async () => heartbeatsHeld === 1);
      await db.transaction(async (tx) => {
        await tx.query(`update job_leases set lease_expires_at = now() - interval '1 second' where $1 = any(job_ids)`, [
          job.id,
        ]);
        await recoverExpiredLeases(tx);
      });
      await waitFor(async () => runs.length === 2);
      holdHeartbeats = false;
      releaseHeartbeat();
      await waitFor(async () => heldHeartbeatAnswered);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(
        runs.map((run) => run.aborted),
        [true, false],
      );
      assert.equal(worker.running, 1);
      releaseSecond();
      const ended = await waitForStatus(db, job.id, ['succeeded']);
      await worker.stop();
      assert.equal(ended.attempt, 2);
    });

    test('a worker that lost its job to recovery abandons the handler and does not overwrite the outcome', async () => {
      const job = await enqueueJob(db, { type: 'slowpoke', ...user });
      let aborted = false;
      const worker = workers.start({
        db,
        leaseMs: 60_000,
        heartbeatMs: 50,
        jobTypes: [
          jobType(
            'slowpoke',
            ({ signal }) =>
              new Promise<void>((resolve) =>
                signal.addEventListener('abort', () => {
                  aborted = true;
                  resolve();
                }),
              ),
          ),
        ],
      });
      await waitForStatus(db, job.id, ['running']);
      // Another worker recovered it meanwhile (e.g. this one was paused past its lease).
      await db.query(
        `
with taken as (delete from job_leases where $1::bigint = any(job_ids))
update jobs set status = 'failed', error_code = 'lease_expired', ended_at = now() where id = $1::bigint`,
        [job.id],
      );
      await waitFor(async () => aborted && worker.running === 0);
      await worker.stop();
      assert.equal((await jobById(db, job.id)).status, 'failed');
    });

    test('messages and files saved while a recovery commits go with the lost attempt', {
      skip: kind === 'pglite' && 'one connection: PGlite runs the two statements one after the other',
    }, async () => {
      const job = await enqueueJob(db, { type: 'retry', ...user, maxAttempts: 2 });
      const [claimed] = await claimJobs(db, 'vanished-worker', ['retry'], 1, 100, 0);
      await db.query(
        `update jobs set status = 'running', host = 'vanished-worker', attempt = 1, started_at = now()
           where id = $1::bigint`,
        [job.id],
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      const late = { level: 'warning' as const, message: 'Row 9 skipped.', item: null, step: null };
      let writing: Promise<void> | null = null;
      let saving: Promise<unknown> | null = null;
      // Another host's recovery, caught before it commits: the worker's write starts meanwhile.
      await db.transaction(async (tx) => {
        assert.equal((await recoverExpiredLeases(tx)).length, 1);
        writing = insertJobMessages(db, 'vanished-worker', job.id, claimed!.lease_id, [
          { ...late, at: new Date().toISOString() },
        ]);
        const file = { name: 'out.txt', role: 'output', fileName: 'out.txt', contentType: 'text/plain' } as const;
        saving = saveArtifact(db, 'vanished-worker', job.id, claimed!.lease_id, {
          ...file,
          data: new TextEncoder().encode('stale'),
        }).catch((error: unknown) => error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
      await writing;
      assert.match(String(await saving), /no longer runs on this worker/);
      const { rows: files } = await db.query(`select 1 from job_artifacts where job_id = $1::bigint`, [job.id]);
      assert.equal(files.length, 0);
      const { rows } = await db.query<{ message: string }>(
        `select message from job_messages where job_id = $1::bigint order by id`,
        [job.id],
      );
      assert.deepEqual(
        rows.map((row) => row.message.replace(/ during .*/, '')),
        ['Worker vanished-worker stopped renewing its lease'],
      );
      const queued = await jobById(db, job.id);
      assert.deepEqual([queued.status, queued.warnings], ['queued', 1]);
    });
  });
}
