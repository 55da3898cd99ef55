import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob, enqueueJobs } from '../../../server/queue/enqueue.js';
import { openTestDb, testDatabaseUrl } from '../../support/db.js';
import { jobType, waitFor, waitForStatus, workerTracker } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };
const fixture = fileURLToPath(new URL('./fixtures/workerProcess.ts', import.meta.url));

describe('worker processes sharing one PostgreSQL queue', () => {
  let db: Db;
  const children: ChildProcess[] = [];
  const workers = workerTracker();

  before(async () => {
    db = await openTestDb('postgres');
    await db.query(`create table job_runs (job_id bigint not null, host text not null)`);
  });
  after(async () => {
    await db.close();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    assert.equal(await workers.stopAll(), 0, 'a test left a worker running');
  });

  async function spawnWorker(workerId: string, leaseMs = 30_000): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: {
        ...process.env,
        DATABASE_URL: testDatabaseUrl,
        SCHEMA: db.schema,
        WORKER_ID: workerId,
        LEASE_MS: String(leaseMs),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    assert.equal(line.toString().trim(), 'ready');
    return child;
  }

  test('two processes drain 2,000 jobs: each runs exactly once, none is lost, both take part', async () => {
    const [first, second] = await Promise.all([spawnWorker('process-a'), spawnWorker('process-b')]);
    // Several statements, so both processes see jobs arrive while they work.
    for (let batch = 0; batch < 10; batch++) {
      await enqueueJobs(
        db,
        Array.from({ length: 200 }, () => ({ type: 'record', ...user })),
      );
    }
    await waitFor(async () => {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from jobs where status = 'succeeded'`);
      return rows[0]?.n === 2000;
    }, 30_000);
    const stopped = [once(first, 'exit'), once(second, 'exit')];
    first.kill('SIGTERM');
    second.kill('SIGTERM');
    await Promise.all(stopped);

    const { rows: statuses } = await db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from jobs group by status`,
    );
    assert.deepEqual(statuses, [{ status: 'succeeded', n: 2000 }]);
    const { rows: runs } = await db.query<{ jobs: number; runs: number; most: number }>(`
select count(distinct job_id)::int as jobs, count(*)::int as runs,
  (select max(n) from (select count(*)::int as n from job_runs group by job_id) per_job)::int as most
from job_runs`);
    assert.deepEqual(runs, [{ jobs: 2000, runs: 2000, most: 1 }]);
    const { rows: hosts } = await db.query<{ host: string; n: number }>(
      `select host, count(*)::int as n from jobs group by host order by host`,
    );
    assert.deepEqual(
      hosts.map((row) => row.host),
      ['process-a', 'process-b'],
    );
    for (const row of hosts) assert.ok(row.n > 0);
    // A job's host is the process that ran it.
    const { rows: mismatched } = await db.query(
      `select 1 from jobs join job_runs on job_runs.job_id = jobs.id where job_runs.host <> jobs.host`,
    );
    assert.equal(mismatched.length, 0);
  });

  test('a job queued just after a worker was killed goes to a live worker, not to the dead one', async () => {
    const offerOf = async (workerId: string) =>
      (
        await db.query<{ free_slots: number; listener_lock: string | null }>(
          `select free_slots, listener_lock from workers where id = $1::text`,
          [workerId],
        )
      ).rows[0];
    const child = await spawnWorker('killed');
    // Its offer (500 free slots) outbids the survivor's (2): the hand-off would pick it while its row looks fresh.
    const survivor = workers.start({ db, concurrency: 2, jobTypes: [jobType('record', async () => {})] });
    const killedOffer = await waitFor(async () => {
      const offer = await offerOf('killed');
      return offer && offer.free_slots > 2 && offer;
    });
    assert.ok(killedOffer.listener_lock, "the offer names its LISTEN connection's lock");
    await waitFor(async () => (await offerOf(survivor.id))?.free_slots === 2);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // Its session ends (and its lock is freed) once PostgreSQL sees the connection closed.
    await waitFor(() =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ free: boolean }>(
          `select pg_try_advisory_xact_lock_shared($1::bigint) as free`,
          [killedOffer.listener_lock],
        );
        return rows[0]!.free;
      }),
    );

    const jobs = [];
    for (let index = 0; index < 4; index++) {
      jobs.push(await enqueueJob(db, { type: 'record', ...user, maxAttempts: 1 }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Handed to the dead worker they waited out its 30 s lease, then failed with `lease_expired` without running.
    for (const job of jobs) {
      const ended = await waitForStatus(db, job.id, ['succeeded', 'failed'], 3000);
      assert.equal(ended.status, 'succeeded');
      assert.equal(ended.host, survivor.id);
    }
    await survivor.stop();
  });

  test('a worker killed with SIGKILL mid-job: its jobs are recovered after the lease', async () => {
    const child = await spawnWorker('doomed', 1000);
    const single = await enqueueJob(db, { type: 'sleep', ...user, maxAttempts: 1 });
    const twice = await enqueueJob(db, { type: 'sleep', ...user, maxAttempts: 2 });
    await waitForStatus(db, single.id, ['running']);
    await waitForStatus(db, twice.id, ['running']);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const { rows: leases } = await db.query<{ lease_expires_at: Date }>(
      `select lease_expires_at from job_leases where $1::bigint = any(job_ids)`,
      [single.id],
    );
    const leaseEnd = leases[0]?.lease_expires_at as Date;

    const rescuer = workers.start({
      db,
      recoveryMs: 100,
      jobTypes: [jobType('sleep', async () => {})],
    });
    const failed = await waitForStatus(db, single.id, ['failed'], 10_000);
    const retried = await waitForStatus(db, twice.id, ['succeeded'], 10_000);
    await rescuer.stop();
    assert.equal(failed.error_code, 'lease_expired');
    assert.equal(failed.host, 'doomed');
    assert.match(failed.error_message ?? '', /doomed stopped renewing its lease/);
    assert.ok((failed.ended_at as Date) >= leaseEnd, 'recovered only once the lease ran out');
    assert.equal(retried.host, rescuer.id);
    assert.equal(retried.attempt, 2);
  });
});
