import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../../../server/db/index.js';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob, enqueueJobs } from '../../../server/queue/enqueue.js';
import { claimJobs } from '../../../server/queue/sql/claimJobs.js';
import { recoverExpiredLeases } from '../../../server/queue/sql/recoverExpiredLeases.js';
import { dbKinds, openTestDb, testDatabaseUrl } from '../../support/db.js';

const user = { userId: 'u1', userName: 'User One' };

for (const kind of dbKinds) {
  describe(`upgrading a live queue to 007 (claims into leases), on ${kind}`, () => {
    let db: Db;
    let waiting: string;
    let held: string;
    before(async () => {
      db = await openTestDb(kind, { migrateUpTo: '006_claims_in_job_queue.sql' });
      // As 006 left a queue in use: one job waiting, one held by a worker in its queue row.
      waiting = (await enqueueJob(db, { type: 'upgrade', ...user })).id;
      held = (await enqueueJob(db, { type: 'upgrade', ...user, maxAttempts: 2 })).id;
      await db.query(
        `update job_queue set host = 'old-worker', claimed_at = '2026-12-01 10:00:00+00',
           lease_expires_at = '2026-12-01 10:00:30+00'
         where job_id = $1::bigint`,
        [held],
      );
      await migrate(db);
    });
    after(async () => {
      await db.close();
    });

    test('a held job moves to a lease of its worker, claim time and lease end kept; the queue keeps the waiting one', async () => {
      const { rows: leases } = await db.query<{
        worker: string;
        claimed_at: Date;
        lease_expires_at: Date;
        job_ids: string[];
      }>(`select worker, claimed_at, lease_expires_at, job_ids from job_leases`);
      assert.deepEqual(leases, [
        {
          worker: 'old-worker',
          claimed_at: new Date('2026-12-01T10:00:00Z'),
          lease_expires_at: new Date('2026-12-01T10:00:30Z'),
          job_ids: [held],
        },
      ]);
      const { rows: queue } = await db.query<{ job_id: string }>(`select job_id from job_queue`);
      assert.deepEqual(queue, [{ job_id: waiting }]);
    });

    test('a claim after the upgrade takes the waiting job only; the held one is recovered from its lapsed lease', async () => {
      await db.query(`insert into workers (id) values ('new-worker')`);
      const claimed = await claimJobs(db, 'new-worker', ['upgrade'], 10, 60_000, 10);
      assert.deepEqual(
        claimed.map((row) => row.id),
        [waiting],
      );
      const recovered = await recoverExpiredLeases(db);
      assert.deepEqual(recovered, [{ id: held, status: 'queued', host: 'old-worker' }]);
      const again = await claimJobs(db, 'new-worker', ['upgrade'], 10, 60_000, 10);
      assert.deepEqual(
        again.map((row) => [row.id, row.attempt]),
        [[held, 2]],
        'queued again, its lost attempt counted',
      );
    });
  });
}

describe('live-event arrays are compressed with lz4 where the server has it (008)', () => {
  for (const kind of dbKinds) {
    test(`on ${kind}`, async () => {
      const db = await openTestDb(kind);
      try {
        const { rows } = await db.query<{ methods: string[]; available: boolean }>(
          `
select array_agg(distinct coalesce(nullif(a.attcompression::text, ''), 'default')) as methods,
  exists (select from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) as available
from pg_attribute a
where a.attrelid in ('job_events'::regclass, 'notifications'::regclass) and a.attnum > 0 and a.attndims > 0`,
        );
        const [row] = rows;
        assert.deepEqual(row?.methods, [row?.available ? 'l' : 'default']);
        if (kind === 'postgres') assert.equal(row?.available, true, 'our PostgreSQL is built with lz4');
      } finally {
        await db.close();
      }
    });
  }
});

describe('the update capture joins old and new rows by hash whatever the first call saw (009)', () => {
  for (const kind of dbKinds) {
    test(`on ${kind}: the function plans without nested loops or JIT`, async () => {
      const db = await openTestDb(kind);
      try {
        const { rows } = await db.query<{ settings: string[] }>(
          `select proconfig as settings from pg_proc where oid = 'job_events_capture_update'::regproc`,
        );
        assert.deepEqual(
          rows[0]?.settings.filter((setting) => !setting.startsWith('search_path')),
          ['enable_nestloop=off', 'jit=off'],
        );
      } finally {
        await db.close();
      }
    });
  }

  test('on postgres: after a one-row update, a 200-row update runs the capture with hash joins, uncompiled', async () => {
    const db = await openTestDb('postgres');
    const client = new pg.Client({ connectionString: testDatabaseUrl, options: `-c search_path=${db.schema}` });
    try {
      await enqueueJobs(
        db,
        Array.from({ length: 201 }, () => ({ type: 'plans', userId: 'u1', userName: 'User One' })),
      );
      const ids = (await db.query<{ id: string }>(`select id from jobs order by id`)).rows.map((row) => row.id);
      await client.connect();
      const plans: string[] = [];
      client.on('notice', (notice) => plans.push(notice.message ?? ''));
      // auto_explain reports the plans of the trigger's own queries, as notices to this client.
      await client.query(`load 'auto_explain'`);
      await client.query(`set auto_explain.log_min_duration = 0`);
      await client.query(`set auto_explain.log_nested_statements = on`);
      await client.query(`set auto_explain.log_level = notice`);
      const end = `update jobs set status = 'succeeded', ended_at = now() where id = any($1::bigint[])`;
      // The first call plans the trigger's queries for a one-row transition table.
      await client.query(end, [ids.slice(0, 1)]);
      plans.length = 0;
      await client.query(end, [ids.slice(1)]);
      const capture = plans.filter((plan) => plan.includes('Named Tuplestore Scan'));
      assert.ok(capture.length >= 2, 'the capture and the notifications join old and new rows');
      for (const plan of capture) {
        assert.match(plan, /Hash Join/);
        assert.doesNotMatch(plan, /Nested Loop[\s\S]*Named Tuplestore Scan[\s\S]*Named Tuplestore Scan/);
        assert.doesNotMatch(plan, /JIT:/);
      }
    } finally {
      await client.end();
      await db.close();
    }
  });
});

describe('migrations are append-only', () => {
  let db: Db;
  before(async () => {
    db = await openTestDb('pglite');
  });
  after(async () => {
    await db.close();
  });

  test('a database migrated by a newer version, or a migration slipped in below one that ran, is refused', async () => {
    await migrate(db);
    await db.query(`insert into migrations (name) values ('999_from_a_newer_server.sql')`);
    await assert.rejects(
      migrate(db),
      /migrated by a newer version of this server \(it has 999_from_a_newer_server\.sql\)/,
    );
    await db.query(`delete from migrations where name = '999_from_a_newer_server.sql'`);
    // As if 002 were a file added after 012 ran.
    await db.query(`delete from migrations where name = '002_demo_products.sql'`);
    await assert.rejects(
      migrate(db),
      /migration 002_demo_products\.sql has not run but \d{3}_\w+\.sql has: migrations are append-only/,
    );
  });
});
