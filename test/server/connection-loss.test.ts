/**
 * The database goes away under a running server and worker (a restart, a failover, a network cut), through a proxy
 * in front of the shared PostgreSQL server, then comes back: nothing that ran is lost, the worker hears NOTIFY again,
 * and the API says 503 meanwhile. PostgreSQL only: embedded PGlite has no connection to lose.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../../server/app.js';
import { loadUsers, staticDirectory, tokenAuth } from '../../server/auth/tokens.js';
import { migrate, openDb } from '../../server/db/index.js';
import { isTransientDbError } from '../../server/db/transient.js';
import type { Db, Queryable } from '../../server/db/types.js';
import { EventFeed } from '../../server/events/feed.js';
import { enqueueJob } from '../../server/queue/enqueue.js';
import { contractChecked } from '../support/contract.js';
import { testDatabaseUrl } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';
import { startDatabaseProxy, type TcpProxy } from '../support/tcpProxy.js';
import { jobType, manualGate, useQueueSchema, waitFor, waitForStatus } from './queue/helpers.js';

const user = { userId: 'alice', userName: 'Alice' };

describe('the PostgreSQL server out of reach for a while', () => {
  /** Straight to the server: the test's own view of the data. */
  let db: Db;
  /** Through the proxy: what the worker and the app under test use. */
  let proxied: Db;
  let proxy: TcpProxy;
  const applicationName = `conn_loss_${randomBytes(4).toString('hex')}`;
  const workers = useQueueSchema('postgres', (opened) => {
    db = opened;
  });
  before(async () => {
    proxy = await startDatabaseProxy(applicationName);
    proxied = await openDb({ url: proxy.url, schema: db.schema });
  });
  after(async () => {
    await proxied.close();
    await proxy.close();
  });

  async function backendPid(target: Db | Queryable): Promise<number> {
    return (await target.query<{ pid: number }>(`select pg_backend_pid() as pid`)).rows[0]!.pid;
  }

  /** Resolves once the server has ended the session: PostgreSQL then rolls back what it had not committed. */
  async function sessionEnded(pid: number): Promise<void> {
    await waitFor(
      async () => (await db.query(`select 1 from pg_stat_activity where pid = $1::int`, [pid])).rows.length === 0,
    );
  }

  async function endedJobs(): Promise<{ status: string; error_code: string | null; messages: number }[]> {
    const { rows } = await db.query<{ status: string; error_code: string | null; messages: number }>(`
select status, error_code, (select count(*)::int from job_messages m where m.job_id = jobs.id) as messages
from jobs where ended_at is not null order by id`);
    return rows;
  }

  test('a server that takes connections and never answers: opening it fails after the connect timeout, as out of reach', {
    timeout: 10_000,
  }, async () => {
    proxy.stall();
    try {
      const startedAt = Date.now();
      const error = await openDb({ url: proxy.url, schema: db.schema, connectTimeoutMs: 300 }).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      assert.ok(error, 'opened a server that never answered');
      assert.ok(Date.now() - startedAt < 5_000, `gave up after ${Date.now() - startedAt} ms`);
      assert.equal(isTransientDbError(error), true, String(error));
    } finally {
      proxy.restore();
    }
  });

  /**
   * Runs `work` on a Db of one connection through the proxy, with a query timeout of 500 ms; `stall(on)` freezes
   * that connection. Checks that the work failed as out of reach and that the connection is not used again; returns
   * how long the failure took from the stall.
   */
  async function failureAfterStall(
    work: (stalling: Db, stall: (on: Db | Queryable) => Promise<void>) => Promise<unknown>,
  ): Promise<number> {
    const stalling = await openDb({ url: proxy.url, schema: db.schema, maxConnections: 1, queryTimeoutMs: 500 });
    try {
      let pid = 0;
      let stalledAt = 0;
      const stall = async (on: Db | Queryable) => {
        pid = await backendPid(on);
        proxy.freeze();
        stalledAt = Date.now();
      };
      const error = await work(stalling, stall).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      const elapsed = Date.now() - stalledAt;
      proxy.restore();
      assert.ok(error, 'a stalled connection answered');
      assert.equal(isTransientDbError(error), true, String(error));
      assert.notEqual(await backendPid(stalling), pid);
      await sessionEnded(pid);
      return elapsed;
    } finally {
      proxy.restore();
      await stalling.close();
    }
  }

  test('a connection that stalls under a query: the query fails after the query timeout, as out of reach, and the connection is not used again', {
    timeout: 10_000,
  }, async () => {
    const elapsed = await failureAfterStall(async (stalling, stall) => {
      await stall(stalling);
      await stalling.query(`select 1`);
    });
    assert.ok(elapsed < 5_000, `gave up after ${elapsed} ms`);
  });

  test('a transaction whose statement stalls fails after one query timeout: no ROLLBACK waits on the stalled connection', {
    timeout: 10_000,
  }, async () => {
    const elapsed = await failureAfterStall((stalling, stall) =>
      stalling.transaction(async (tx) => {
        await stall(tx);
        await tx.query(`select 1`);
      }),
    );
    // A ROLLBACK sent on it would have stalled for a second timeout.
    assert.ok(elapsed < 900, `gave up after ${elapsed} ms`);
  });

  test('a listening connection that stalls: a LISTEN fails after the query timeout, and a new connection takes over its channels', {
    timeout: 15_000,
  }, async () => {
    const stalling = await openDb({ url: proxy.url, schema: db.schema, maxConnections: 1, queryTimeoutMs: 500 });
    try {
      const heard: string[] = [];
      await stalling.listen('stalled_first', (payload) => heard.push(payload));
      proxy.freeze();
      const stalledAt = Date.now();
      const error = await stalling
        .listen('stalled_second', () => {})
        .then(
          () => null,
          (thrown: unknown) => thrown,
        );
      const elapsed = Date.now() - stalledAt;
      proxy.restore();
      assert.ok(error, 'a stalled connection answered');
      assert.equal(isTransientDbError(error), true, String(error));
      assert.ok(elapsed < 5_000, `gave up after ${elapsed} ms`);
      await waitFor(async () => {
        await db.query(`select pg_notify('stalled_first', 'again')`);
        return heard.includes('again');
      });
    } finally {
      proxy.restore();
      await stalling.close();
    }
  });

  test('migrations outlast the query timeout, waiting for the migration of another process included', {
    timeout: 10_000,
  }, async () => {
    const impatient = await openDb({ url: testDatabaseUrl, schema: db.schema, queryTimeoutMs: 300 });
    try {
      await assert.rejects(impatient.query(`select pg_sleep(0.6)`), isTransientDbError);
      await impatient.query(`select pg_sleep(0.6)`, [], { noTimeout: true });

      const [lockTaken, tookLock] = manualGate();
      const otherProcess = db.transaction(async (tx) => {
        await tx.query(`select pg_advisory_xact_lock(hashtext($1::text))`, [`migrate:${db.schema}`]);
        tookLock();
        await sleep(600);
      });
      await lockTaken;
      const startedAt = Date.now();
      await migrate(impatient);
      assert.ok(Date.now() - startedAt >= 500, `waited ${Date.now() - startedAt} ms for the other migration`);
      await otherProcess;
    } finally {
      await impatient.close();
    }
  });

  test('jobs that end while it is away are recorded as they ended, last messages included', async () => {
    const [gate, release] = manualGate();
    const type = jobType('gated', async ({ warn }) => {
      await gate;
      warn('Row 7 skipped: no price.', { row: 7 });
    });
    const worker = workers.start({ db: proxied, jobTypes: [type], leaseMs: 6000 });
    for (let index = 0; index < 20; index++) await enqueueJob(db, { type: 'gated', ...user });
    await waitFor(async () => worker.running === 20);

    proxy.cut();
    release();
    await sleep(1500);
    proxy.restore();

    // Without retries the completions failed, the leases lapsed and recovery failed every job (`lease_expired`).
    const ended = await waitFor(async () => {
      const rows = await endedJobs();
      return rows.length === 20 && rows;
    }, 20_000);
    await worker.stop();
    assert.deepEqual(
      ended,
      Array.from({ length: 20 }, () => ({ status: 'succeeded', error_code: null, messages: 1 })),
    );
  });

  test('the worker hears NOTIFY again once it is back, however many reconnections failed', async () => {
    // No poll and no heartbeat for the length of the test: only a NOTIFY can start the job.
    const worker = workers.start({
      db: proxied,
      jobTypes: [jobType('quick', async () => {})],
      pollMs: 600_000,
      leaseMs: 600_000,
    });
    const first = await enqueueJob(db, { type: 'quick', ...user });
    await waitForStatus(db, first.id, ['succeeded']);

    const { rows } = await db.query<{ now: string }>(`select now()::text as now`);
    proxy.cut();
    // The listener tries again after 1 s, then 2 s later: the first attempt is refused.
    await sleep(2500);
    proxy.restore();
    await waitFor(async () => {
      const listening = await db.query(
        `select 1 from pg_stat_activity
         where application_name = $1::text and backend_start > $2::timestamptz and query ilike 'listen %'`,
        [applicationName, rows[0]!.now],
      );
      return listening.rows.length > 0;
    }, 15_000);

    const second = await enqueueJob(db, { type: 'quick', ...user });
    await waitForStatus(db, second.id, ['succeeded'], 3000);
    await worker.stop();
  });

  test('the live feed reports the outage once, asks less and less often, and reads again once it is back', async (t) => {
    const errors = t.mock.method(console, 'error', () => {});
    const delivered: string[] = [];
    const feed = new EventFeed(
      proxied,
      async (rows) => {
        for (const row of rows) delivered.push(row.job_id);
      },
      () => true,
      { pollMs: 25, idlePollMs: 1000 },
    );
    await feed.start();
    try {
      proxy.cut();
      const attemptsBefore = proxy.attempts;
      await sleep(2000);
      // Every 25 ms, 80 reads would each have tried a connection and logged a stack trace.
      assert.ok(proxy.attempts - attemptsBefore <= 10, `${proxy.attempts - attemptsBefore} connection attempts`);
      assert.equal(errors.mock.callCount(), 1);
      assert.match(String(errors.mock.calls[0]!.arguments[0]), /^live events: reading job_events failed/);
      proxy.restore();

      const job = await enqueueJob(db, { type: 'quick', ...user });
      await waitFor(async () => delivered.includes(job.id), 3000);
    } finally {
      await feed.close();
    }
  });

  test('the API answers 503 with a Retry-After while it is away, and serves again once it is back', async () => {
    const users = await loadUsers();
    const app = createApp({
      db: proxied,
      auth: tokenAuth(users),
      jobTypes: [jobType('quick', async () => {})],
      users: staticDirectory(users),
    });
    const fetch = contractChecked((request) => app.fetch(request));
    const list = () => fetch('http://test/api/jobs', { headers: { authorization: `Bearer ${demoTokens.alice}` } });
    const launch = () =>
      fetch('http://test/api/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${demoTokens.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'quick', params: {} }),
      });
    assert.equal((await list()).status, 200);

    proxy.cut();
    const errors: unknown[][] = [];
    const logError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      for (const call of [list, launch]) {
        const response = await call();
        assert.equal(response.status, 503);
        assert.equal(response.headers.get('retry-after'), '2');
        const problem = await response.json();
        assert.equal(problem.code, 'service_unavailable');
        assert.match(problem.detail, /job store cannot be reached/);
      }
    } finally {
      console.error = logError;
      proxy.restore();
    }
    // Logged in a line each, without a stack: an outage is not a bug.
    assert.equal(errors.length, 2);
    assert.match(String(errors[0]![0]), /^GET \/api\/jobs: the job store is out of reach: /);

    assert.equal((await list()).status, 200);
    const { rows } = await db.query(`select 1 from jobs where type = 'quick'`);
    assert.equal(rows.length, 0, 'the launch refused with 503 left no job behind');
    assert.equal((await launch()).status, 202);
  });
});
