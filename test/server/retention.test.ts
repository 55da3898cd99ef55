/**
 * `server/store/retention.ts`: finished jobs are kept for their type's time (or the server's), the report says until
 * when, and the purge removes them then, with their messages, files and mail row, never a job still running.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { purgeFinishedJobs, Retention, startPurge } from '../../server/store/retention.js';
import { dbKinds, testDatabaseUrl } from '../support/db.js';
import { jobType } from './fixtures.js';
import { insertJob, openWorld, type World } from './helpers.js';

const day = 24 * 3_600_000;
const noop = async () => {};
/** `quick` keeps the server's 30 days; `export` its own 7; `ledger` for ever. */
const jobTypes = (): JobTypeDefinition[] => [
  jobType('quick', noop),
  jobType('export', noop, { keepFinishedForMs: 7 * day }),
  jobType('ledger', noop, { keepFinishedForMs: null }),
];

for (const kind of dbKinds) {
  describe(`retention of finished jobs (${kind})`, () => {
    let world: World;
    const retention = new Retention(jobTypes(), 30 * day);
    before(async () => {
      world = await openWorld(kind, jobTypes, { keepFinishedJobsMs: 30 * day });
    });
    after(() => world.db.close());

    /** A job of `type` that ended `endedDaysAgo` days ago (created an hour before), with a message, a file and a mail. */
    async function oldJob(type: string, endedDaysAgo: number, status = 'succeeded'): Promise<string> {
      const id = await insertJob(world.db, { type, status });
      await world.db.query(
        `
update jobs set created_at = now() - $2::float8 * interval '1 day' - interval '1 hour',
  ended_at = case when ended_at is null then null else now() - $2::float8 * interval '1 day' end
where id = $1::bigint`,
        [id, endedDaysAgo],
      );
      await world.db.query(`insert into job_messages (job_id, level, message) values ($1::bigint, 'warning', 'w')`, [
        id,
      ]);
      await world.db.query(
        `insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
         values ($1::bigint, 'out', 'output', 'out.csv', 'text/csv', 1, '\\x41'::bytea)`,
        [id],
      );
      await world.db.query(
        `insert into mail_outbox (job_id, recipient, locale, job_type, status, user_name, created_at, warnings, errors, sent_at)
         values ($1::bigint, 'a@example.com', 'en', $2::text, 'succeeded', 'Alice', now(), 0, 0, now())`,
        [id, type],
      );
      return id;
    }

    async function remaining(table: 'jobs' | 'job_messages' | 'job_artifacts' | 'mail_outbox', ids: string[]) {
      const column = table === 'jobs' ? 'id' : 'job_id';
      const { rows } = await world.db.query<{ id: string }>(
        `select ${column}::text as id from ${table} where ${column} = any($1::bigint[]) order by 1`,
        [ids],
      );
      return new Set(rows.map((row) => row.id));
    }

    it('says in the report until when a finished job is kept: its end plus its type’s time, or never', async () => {
      const quick = await oldJob('quick', 2);
      const own = await oldJob('export', 2);
      const forever = await oldJob('ledger', 2);
      const running = await oldJob('quick', 2, 'running');
      const keptUntil = async (id: string) => (await world.call('alice', 'GET', `/jobs/${id}`)).body.keptUntil;
      const endedAt = async (id: string) => Date.parse((await world.call('alice', 'GET', `/jobs/${id}`)).body.endedAt);
      assert.equal(Date.parse(await keptUntil(quick)), (await endedAt(quick)) + 30 * day);
      assert.equal(Date.parse(await keptUntil(own)), (await endedAt(own)) + 7 * day);
      assert.equal(await keptUntil(forever), null);
      assert.equal(await keptUntil(running), null);
      await world.db.query(`delete from jobs where id = any($1::bigint[])`, [[quick, own, forever, running]]);
    });

    it('purges the jobs whose time is up, with their messages, files and mail, and nothing else', async () => {
      const doomed = [await oldJob('quick', 31), await oldJob('export', 8), await oldJob('gone-type', 31, 'failed')];
      const kept = [
        await oldJob('quick', 29),
        await oldJob('export', 6),
        await oldJob('ledger', 400),
        await oldJob('quick', 400, 'running'),
        await oldJob('quick', 400, 'queued'),
      ];
      const all = [...doomed, ...kept];
      await world.db.query(
        `insert into job_audit (job_id, action, actor_id, actor_name) values ($1::bigint, 'requeue', 'alice', 'Alice')`,
        [doomed[0]],
      );
      assert.equal(await purgeFinishedJobs(world.db, retention, new Date(), 500), 3);
      for (const table of ['jobs', 'job_messages', 'job_artifacts', 'mail_outbox'] as const) {
        assert.deepEqual(await remaining(table, all), new Set(kept), table);
      }
      const audit = await world.db.query(`select 1 from job_audit where job_id = $1::bigint`, [doomed[0]]);
      assert.equal(audit.rows.length, 1, 'the audit outlives the job');
      assert.equal((await world.call('alice', 'GET', `/jobs/${doomed[0]}`)).status, 404);
      await world.db.query(`delete from jobs where id = any($1::bigint[])`, [kept]);
    });

    it('runs at start and then in batches until nothing is due, notifications past the default time included', async () => {
      const doomed = [];
      for (let index = 0; index < 5; index++) doomed.push(await oldJob('quick', 40));
      await world.db.query(
        `insert into notifications (user_id, created_at, size, unread, job_ids, job_types, statuses, warnings, errors, ended_ats, read_ats)
         values ('alice', now() - interval '31 days', 1, 1, array[$1::bigint], array['quick'], array['succeeded'],
           array[0], array[0], array[now()], array[null::timestamptz]),
         ('alice', now() - interval '29 days', 1, 1, array[$1::bigint], array['quick'], array['succeeded'],
           array[0], array[0], array[now()], array[null::timestamptz])`,
        [doomed[0]],
      );
      const told: { jobs: number; notifications: number }[] = [];
      const purge = startPurge({ db: world.db, retention, batchSize: 2, onPurged: (counts) => told.push(counts) });
      try {
        await purge.run();
        assert.deepEqual(told, [{ jobs: 5, notifications: 1 }]);
        assert.equal((await remaining('jobs', doomed)).size, 0);
        const left = await world.db.query(`select 1 from notifications where user_id = 'alice'`);
        assert.equal(left.rows.length, 1, 'the recent notification stays');
      } finally {
        await purge.stop();
      }
    });

    it('purges nothing when every job is kept for ever', async () => {
      const id = await oldJob('quick', 4000);
      const forever = new Retention(
        [jobType('quick', noop), jobType('export', noop, { keepFinishedForMs: null })],
        null,
      );
      assert.equal(forever.purges, false, 'no timer is started');
      const purge = startPurge({ db: world.db, retention: forever });
      try {
        assert.deepEqual(await purge.run(), { jobs: 0, notifications: 0 });
        assert.equal((await remaining('jobs', [id])).size, 1);
      } finally {
        await purge.stop();
        await world.db.query(`delete from jobs where id = $1::bigint`, [id]);
      }
    });

    if (kind === 'postgres') {
      it('skips a job another transaction holds instead of waiting for it (two purges at once)', async () => {
        const [held, free] = [await oldJob('quick', 31), await oldJob('quick', 31)];
        const other = new pg.Client({
          connectionString: testDatabaseUrl,
          options: `-c search_path=${world.db.schema}`,
        });
        await other.connect();
        try {
          await other.query('begin');
          await other.query(`select 1 from jobs where id = $1::bigint for update`, [held]);
          const startedAt = Date.now();
          assert.equal(await purgeFinishedJobs(world.db, retention, new Date(), 500), 1);
          assert.ok(Date.now() - startedAt < 2_000, 'did not wait for the lock');
          assert.deepEqual(await remaining('jobs', [held, free]), new Set([held]));
          await other.query('rollback');
          assert.equal(await purgeFinishedJobs(world.db, retention, new Date(), 500), 1);
        } finally {
          await other.end();
        }
      });
    }
  });
}
