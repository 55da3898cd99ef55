import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../server/app.js';
import { loadUsers, tokenAuth } from '../../server/auth/tokens.js';
import type { Db } from '../../server/db/types.js';
import { jobsInterruptChannel } from '../../server/queue/notify.js';
import { claimJobs } from '../../server/queue/sql/claimJobs.js';
import { listAudit } from '../../server/store/audit.js';
import { contractChecked } from '../support/contract.js';
import { dbKinds } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';
import { jobType, testJobTypes } from './fixtures.js';
import { type Body, insertJob, openWorld, type World } from './helpers.js';
import { leaseHolder } from './queue/helpers.js';

for (const kind of dbKinds) {
  describe(`requeue, interrupt, delete and bulk (${kind})`, () => {
    let world: World;
    before(async () => {
      world = await openWorld(kind, () => testJobTypes());
    });
    after(() => world.close());

    describe('permissions', () => {
      it("answers 404 to a plain user acting on someone else's job", async () => {
        const bobJob = await insertJob(world.db, { user: 'bob' });
        for (const [method, path] of [
          ['POST', `/jobs/${bobJob}/requeue`],
          ['POST', `/jobs/${bobJob}/interrupt`],
          ['DELETE', `/jobs/${bobJob}`],
        ] as const) {
          const { status, body } = await world.call('alice', method, path);
          assert.equal(status, 404, path);
          assert.equal(body.code, 'not_found');
        }
      });

      it('answers 403 to jobs:open:any, who may see but not act', async () => {
        const aliceJob = await insertJob(world.db, { user: 'alice' });
        for (const [method, path] of [
          ['POST', `/jobs/${aliceJob}/requeue`],
          ['POST', `/jobs/${aliceJob}/interrupt`],
          ['DELETE', `/jobs/${aliceJob}`],
        ] as const) {
          const { status, body } = await world.call('bob', method, path);
          assert.equal(status, 403, path);
          assert.equal(body.code, 'forbidden');
        }
        const { body } = await world.call('bob', 'GET', `/jobs/${aliceJob}`);
        assert.deepEqual(body.can, { requeue: false, interrupt: false, delete: false });
      });

      it("lets jobs:manage:any act on others' jobs and records who did", async () => {
        const aliceJob = await insertJob(world.db, { user: 'alice' });
        const { status } = await world.call('carol', 'DELETE', `/jobs/${aliceJob}`);
        assert.equal(status, 204);
        const audit = await listAudit(world.db, aliceJob);
        assert.deepEqual(
          audit.map((a) => [a.action, a.actor_id, a.actor_name]),
          [['delete', 'carol', 'Carol Nguyen']],
        );
      });
    });

    describe('requeue', () => {
      it('queues a new job with the same params and owner, linked both ways', async () => {
        const original = await insertJob(world.db, {
          user: 'alice',
          status: 'failed',
          params: { count: 4, password: 'hunter2' },
          subjects: ['product:1'],
        });
        await world.db.query(
          `insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
           values ($1::bigint, 'file', 'input', 'in.csv', 'text/csv', 3, 'a,b'::bytea),
                  ($1::bigint, 'out.csv', 'output', 'out.csv', 'text/csv', 3, 'c,d'::bytea)`,
          [original],
        );
        const { status, body } = await world.call('carol', 'POST', `/jobs/${original}/requeue`);
        assert.equal(status, 202);
        assert.notEqual(body.id, original);
        assert.equal(body.status, 'queued');
        assert.equal(body.requeuedFrom, original);
        assert.deepEqual(body.user, { id: 'alice', name: 'Alice Martin' });
        assert.deepEqual(body.params, { count: 4 });
        assert.deepEqual(body.subjects, ['product:1']);
        const { rows } = await world.db.query<{ password: string }>(
          `select params->>'password' as password from jobs where id = $1::bigint`,
          [body.id],
        );
        assert.equal(rows[0]!.password, 'hunter2', 'the handler still gets the sensitive param');
        const before = await world.call('alice', 'GET', `/jobs/${original}`);
        assert.equal(before.body.requeuedAs, body.id);
        const report = await world.call('alice', 'GET', `/jobs/${body.id}/report`);
        assert.deepEqual(
          report.body.artifacts.map((a: { name: string }) => a.name),
          ['file'],
        );
        const audit = await listAudit(world.db, original);
        assert.deepEqual(
          audit.map((a) => [a.action, a.actor_id, a.detail]),
          [['requeue', 'carol', { newJobId: body.id }]],
        );
      });

      it('answers 409 job_not_finished for an unfinished job and not_requeueable for a type that forbids it', async () => {
        const running = await insertJob(world.db, { user: 'alice', status: 'running' });
        const notFinished = await world.call('alice', 'POST', `/jobs/${running}/requeue`);
        assert.equal(notFinished.status, 409);
        assert.equal(notFinished.body.code, 'job_not_finished');
        const gated = await insertJob(world.db, { user: 'alice', type: 'gated' });
        const refused = await world.call('alice', 'POST', `/jobs/${gated}/requeue`);
        assert.equal(refused.status, 409);
        assert.equal(refused.body.code, 'not_requeueable');
        const { body } = await world.call('alice', 'GET', `/jobs/${gated}`);
        assert.equal(body.can.requeue, false);
      });
    });

    describe('requeue with an Idempotency-Key', () => {
      const requeue = (user: 'alice' | 'carol', id: string, key: string) =>
        world.call(user, 'POST', `/jobs/${id}/requeue`, { headers: { 'idempotency-key': key } });

      it('answers a retry, even a racing one, with the job the first request made, and queues one', async () => {
        const original = await insertJob(world.db, { user: 'alice', status: 'failed' });
        const answers = await Promise.all([1, 2, 3].map(() => requeue('carol', original, 'retry-me')));
        assert.deepEqual(
          answers.map((answer) => answer.status),
          [202, 202, 202],
        );
        assert.equal(new Set(answers.map((answer) => answer.body.id)).size, 1);
        assert.equal(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true').length, 2);
        const made = answers[0]!.body.id;
        assert.ok(answers.every((answer) => answer.headers.get('location') === `/api/jobs/${made}`));
        // Later, once the new job has moved on, a retry still answers it as it is now.
        await world.db.query(`update jobs set status = 'succeeded', ended_at = now() where id = $1::bigint`, [made]);
        const later = await requeue('carol', original, 'retry-me');
        assert.deepEqual([later.status, later.body.id, later.body.status], [202, made, 'succeeded']);
        const { rows } = await world.db.query(`select id from jobs where requeued_from = $1::bigint`, [original]);
        assert.equal(rows.length, 1);
        assert.deepEqual(
          (await listAudit(world.db, original)).map((a) => [a.action, a.actor_id, a.detail]),
          [['requeue', 'carol', { newJobId: made, idempotencyKey: 'retry-me' }]],
        );
        // Even once the original has been deleted.
        assert.equal((await world.call('carol', 'DELETE', `/jobs/${original}`)).status, 204);
        const afterDelete = await requeue('carol', original, 'retry-me');
        assert.deepEqual([afterDelete.status, afterDelete.body.id], [202, made]);
        assert.equal(afterDelete.headers.get('idempotent-replayed'), 'true');
      });

      it("keeps each caller's keys apart, and refuses a key used for another job or whose job was deleted", async () => {
        const first = await insertJob(world.db, { user: 'alice', status: 'failed' });
        const second = await insertJob(world.db, { user: 'alice', status: 'failed' });
        const made = (await requeue('alice', first, 'mine')).body.id;
        const carols = await requeue('carol', first, 'mine');
        assert.equal(carols.status, 202);
        assert.notEqual(carols.body.id, made);
        assert.equal(carols.headers.get('idempotent-replayed'), null);

        const reused = await requeue('alice', second, 'mine');
        assert.equal(reused.status, 409);
        assert.equal(reused.body.code, 'idempotency_conflict');
        assert.equal(reused.body.detail, `This Idempotency-Key was used to requeue another job, ${first}.`);
        const bobs = await insertJob(world.db, { user: 'bob', status: 'failed' });
        for (const missing of ['abc', '01', '999999999', bobs]) {
          const answer = await requeue('alice', missing, 'mine');
          assert.deepEqual(
            [answer.status, answer.body.code],
            [404, 'not_found'],
            `${missing}: missing before the key's reuse`,
          );
        }

        await world.db.query(`update jobs set status = 'succeeded', ended_at = now() where id = $1::bigint`, [made]);
        assert.equal((await world.call('alice', 'DELETE', `/jobs/${made}`)).status, 204);
        const gone = await requeue('alice', first, 'mine');
        assert.equal(gone.status, 409);
        assert.equal(
          gone.body.detail,
          `This Idempotency-Key's requeue made job ${made}, which has been deleted since.`,
        );
      });

      it('answers 400 to an empty key', async () => {
        const original = await insertJob(world.db, { user: 'alice', status: 'failed' });
        const { status, body } = await requeue('alice', original, '');
        assert.equal(status, 400);
        assert.equal(body.code, 'invalid_request');
      });
    });

    describe('requeue of params the job type no longer accepts', () => {
      it('answers 422 saying which param no longer fits, and queues nothing', async () => {
        // Launched when `count` could go higher, or `size` existed: the job type has changed since.
        for (const [params, failing] of [
          [{ count: 5000 }, 'params/count must be <= 1000'],
          [{ count: 2, size: 'XL' }, 'params/size is not allowed'],
          [{ count: 2, colour: 'green' }, 'params/colour must be one of "red", "blue"'],
        ] as const) {
          const original = await insertJob(world.db, { user: 'alice', status: 'failed', params });
          const { status, body } = await world.call('alice', 'POST', `/jobs/${original}/requeue`);
          assert.equal(status, 422);
          assert.equal(body.code, 'invalid_params');
          assert.equal(
            body.detail,
            `Job ${original}'s params no longer fit its job type, which has changed since (${failing}); launch a new job instead.`,
          );
          const { rows } = await world.db.query(`select id from jobs where requeued_from = $1::bigint`, [original]);
          assert.equal(rows.length, 0);
        }
      });

      it("does not hold a stored file name to the schema of the file's content", async () => {
        const contentSchema = { type: 'string', contentMediaType: 'text/csv', minLength: 10, pattern: '^sku,' };
        const fileType = jobType('upload', async () => {}, {
          paramsSchema: { type: 'object', required: ['file'], properties: { file: contentSchema } },
        });
        const uploads = await openWorld(kind, () => [fileType]);
        try {
          const launched = await uploads.call('alice', 'POST', '/jobs', {
            body: { type: 'upload', params: { file: 'sku,name\nA-1,Chair\n' } },
          });
          assert.equal(launched.status, 202, JSON.stringify(launched.body));
          await uploads.db.query(`update jobs set status = 'failed', ended_at = now() where id = $1::bigint`, [
            launched.body.id,
          ]);
          const { status, body } = await uploads.call('alice', 'POST', `/jobs/${launched.body.id}/requeue`);
          assert.equal(status, 202, JSON.stringify(body));
          assert.deepEqual(body.params, { file: 'file.csv' });
        } finally {
          await uploads.close();
        }
      });

      it("fills in a default the job type has gained since the job's launch", async () => {
        const original = await insertJob(world.db, { user: 'alice', status: 'failed', params: {} });
        const { status, body } = await world.call('alice', 'POST', `/jobs/${original}/requeue`);
        assert.equal(status, 202);
        assert.deepEqual(body.params, { count: 3 });
      });
    });

    describe('interrupt', () => {
      it('ends a queued job at once, recording who interrupted it', async () => {
        const queued = await insertJob(world.db, { user: 'alice', status: 'queued', type: 'stubborn' });
        const { status, body } = await world.call('alice', 'POST', `/jobs/${queued}/interrupt`);
        assert.equal(status, 202);
        assert.equal(body.status, 'interrupted');
        assert.ok(body.endedAt);
        assert.ok(body.interruptRequestedAt);
        assert.deepEqual(body.interruptedBy, { id: 'alice', name: 'Alice Martin' });
        assert.equal(body.queue, null);
        const { rows } = await world.db.query(`select 1 from job_queue where job_id = $1::bigint`, [queued]);
        assert.equal(rows.length, 0, 'the job left the queue');
      });

      it('asks the worker to stop a running job: interrupting, then NOTIFY jobs_interrupt naming its schema', async () => {
        const running = await insertJob(world.db, { user: 'alice', status: 'running' });
        const heard: string[] = [];
        let notified: () => void = () => {};
        const received = new Promise<void>((resolve) => {
          notified = resolve;
        });
        const unlisten = await world.db.listen(jobsInterruptChannel, (payload) => {
          heard.push(payload);
          notified();
        });
        try {
          const { status, body } = await world.call('carol', 'POST', `/jobs/${running}/interrupt`);
          assert.equal(status, 202);
          assert.equal(body.status, 'interrupting');
          assert.deepEqual(body.interruptedBy, { id: 'carol', name: 'Carol Nguyen' });
          await received;
          assert.deepEqual(heard, [`${world.db.schema}:${running}`]);
          const again = await world.call('carol', 'POST', `/jobs/${running}/interrupt`);
          assert.equal(again.status, 202);
          assert.equal(again.body.status, 'interrupting');
        } finally {
          await unlisten();
        }
      });

      it('interrupts a job that still reads queued but that a worker has taken as a running one', async () => {
        const taken = await insertJob(world.db, { user: 'alice', status: 'queued' });
        const stubborn = await insertJob(world.db, { user: 'alice', status: 'queued', type: 'stubborn' });
        const { rows: types } = await world.db.query<{ type: string }>(
          `select distinct type from jobs where id in ($1::bigint, $2::bigint)`,
          [taken, stubborn],
        );
        const claimed = await claimJobs(
          world.db,
          'worker-a',
          types.map((row) => row.type),
          100,
          60_000,
          0,
        );
        assert.ok(claimed.some((job) => job.id === taken) && claimed.some((job) => job.id === stubborn));
        const { status, body } = await world.call('alice', 'POST', `/jobs/${taken}/interrupt`);
        assert.equal(status, 202);
        assert.equal(body.status, 'interrupting', 'its handler may be running: the worker is asked to stop it');
        assert.equal(await leaseHolder(world.db, taken), 'worker-a', 'the worker still holds it until it ends');
        const refused = await world.call('alice', 'POST', `/jobs/${stubborn}/interrupt`);
        assert.equal(refused.status, 409);
        assert.equal(refused.body.code, 'not_interruptible');
      });

      it('answers 409 job_finished for a finished job and not_interruptible for a running job of such a type', async () => {
        const done = await insertJob(world.db, { user: 'alice' });
        const finished = await world.call('alice', 'POST', `/jobs/${done}/interrupt`);
        assert.equal(finished.status, 409);
        assert.equal(finished.body.code, 'job_finished');
        const stubborn = await insertJob(world.db, { user: 'alice', status: 'running', type: 'stubborn' });
        const refused = await world.call('alice', 'POST', `/jobs/${stubborn}/interrupt`);
        assert.equal(refused.status, 409);
        assert.equal(refused.body.code, 'not_interruptible');
        const { body } = await world.call('alice', 'GET', `/jobs/${stubborn}`);
        assert.deepEqual(body.can, { requeue: false, interrupt: false, delete: false });
      });
    });

    describe('delete', () => {
      it('removes a finished job with its messages and artifacts', async () => {
        const done = await insertJob(world.db, { user: 'alice', status: 'interrupted' });
        await world.db.query(`insert into job_messages (job_id, level, message) values ($1::bigint, 'info', 'x')`, [
          done,
        ]);
        const { status, text } = await world.call('alice', 'DELETE', `/jobs/${done}`);
        assert.equal(status, 204);
        assert.equal(text, '');
        assert.equal((await world.call('alice', 'GET', `/jobs/${done}`)).status, 404);
        const { rows } = await world.db.query(`select 1 from job_messages where job_id = $1::bigint`, [done]);
        assert.equal(rows.length, 0);
      });

      it('answers 409 job_not_finished for a job that has not finished', async () => {
        const queued = await insertJob(world.db, { user: 'alice', status: 'queued' });
        const { status, body } = await world.call('alice', 'DELETE', `/jobs/${queued}`);
        assert.equal(status, 409);
        assert.equal(body.code, 'job_not_finished');
        assert.match(body.detail, /Interrupt it first/);
      });
    });

    describe('bulk', () => {
      it('applies the action to each job independently and answers in request order', async () => {
        const finished = await insertJob(world.db, { user: 'alice' });
        const queued = await insertJob(world.db, { user: 'alice', status: 'queued' });
        const bobs = await insertJob(world.db, { user: 'bob' });
        const { status, body } = await world.call('alice', 'POST', '/jobs/bulk', {
          body: { action: 'delete', ids: [queued, finished, bobs, '424242'] },
        });
        assert.equal(status, 200);
        assert.equal(body.action, 'delete');
        assert.deepEqual(
          body.results.map((r: { id: string; ok: boolean; problem?: { code: string } }) => [
            r.id,
            r.ok,
            r.problem?.code,
          ]),
          [
            [queued, false, 'job_not_finished'],
            [finished, true, undefined],
            [bobs, false, 'not_found'],
            ['424242', false, 'not_found'],
          ],
        );
        assert.equal(body.succeeded, 1);
        assert.equal(body.failed, 3);
      });

      it('returns the new jobs of a bulk requeue and the changed jobs of a bulk interrupt', async () => {
        const a = await insertJob(world.db, { user: 'alice' });
        const b = await insertJob(world.db, { user: 'alice', status: 'queued' });
        const requeued = await world.call('alice', 'POST', '/jobs/bulk', { body: { action: 'requeue', ids: [a, b] } });
        assert.equal(requeued.body.results[0].job.requeuedFrom, a);
        assert.equal(requeued.body.results[0].job.queue.reason, 'no_worker');
        assert.equal(requeued.body.results[1].problem.code, 'job_not_finished');
        const interrupted = await world.call('carol', 'POST', '/jobs/bulk', {
          body: { action: 'interrupt', ids: [b] },
        });
        assert.equal(interrupted.body.results[0].job.status, 'interrupted');
      });

      it('answers 503 service_unavailable, not 500, for the job the store could not be reached for and those after it', async () => {
        const [reached, unreached, later] = [
          await insertJob(world.db),
          await insertJob(world.db),
          await insertJob(world.db),
        ];
        let transactions = 0;
        const flaky: Db = {
          ...world.db,
          transaction(work) {
            transactions += 1;
            if (transactions === 2) {
              return Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' }));
            }
            return world.db.transaction(work);
          },
        };
        const users = await loadUsers();
        const app = createApp({ db: flaky, auth: tokenAuth(users), jobTypes: testJobTypes() });
        const original = console.error;
        console.error = () => {};
        let body: Body;
        try {
          const response = await contractChecked((request) => app.fetch(request))('http://test/api/jobs/bulk', {
            method: 'POST',
            headers: { authorization: `Bearer ${demoTokens.alice}`, 'content-type': 'application/json' },
            body: JSON.stringify({ action: 'delete', ids: [reached, unreached, later] }),
          });
          body = await response.json();
        } finally {
          console.error = original;
        }
        assert.deepEqual(
          body.results.map((r: { ok: boolean; problem?: { status: number; code: string } }) => [
            r.ok,
            r.problem?.status,
            r.problem?.code,
          ]),
          [
            [true, undefined, undefined],
            [false, 503, 'service_unavailable'],
            [false, 503, 'service_unavailable'],
          ],
        );
        // Not tried: during an outage, each of up to 500 jobs waited for its own connection timeout.
        assert.equal(transactions, 2);
        const { rows } = await world.db.query(`select id from jobs where id = $1::bigint`, [later]);
        assert.equal(rows.length, 1, 'the job after the outage is still there');
      });

      it('answers 400 for an empty or duplicated list of IDs', async () => {
        assert.equal(
          (await world.call('alice', 'POST', '/jobs/bulk', { body: { action: 'delete', ids: [] } })).status,
          400,
        );
        const dup = await world.call('alice', 'POST', '/jobs/bulk', { body: { action: 'delete', ids: ['1', '1'] } });
        assert.equal(dup.status, 400);
        const badAction = await world.call('alice', 'POST', '/jobs/bulk', { body: { action: 'purge', ids: ['1'] } });
        assert.equal(badAction.status, 400);
      });

      it('answers 400 listing the first 20 of 130,000 faults, and counting the rest', async () => {
        const ids = Array.from({ length: 130_000 }, () => '!');
        const { status, body } = await world.call('alice', 'POST', '/jobs/bulk', { body: { action: 'delete', ids } });
        assert.equal(status, 400);
        assert.equal(body.code, 'invalid_request');
        assert.equal(body.errors.length, 20);
        assert.match(body.detail, /\(and 1\d\d,?\d\d\d more\)$/);
      });
    });
  });
}

for (const kind of dbKinds) {
  describe(`new jobs per user and minute (${kind})`, () => {
    let world: World;
    before(async () => {
      world = await openWorld(kind, () => testJobTypes(), { launchesPerMinute: 3 });
    });
    after(() => world.close());

    it('answers 429 with Retry-After past the allowance, counting launches and requeues of whoever asks', async () => {
      const launch = (user: 'alice' | 'carol', key?: string) =>
        world.call(user, 'POST', '/jobs', {
          body: { type: 'quick' },
          headers: key ? { 'idempotency-key': key } : {},
        });
      assert.equal((await launch('alice', 'once')).status, 202);
      // Refused requests use up nothing: a bad launch, a replay, a requeue of an unfinished job.
      assert.equal((await world.call('alice', 'POST', '/jobs', { body: { type: 'nope' } })).status, 422);
      assert.equal((await launch('alice', 'once')).headers.get('idempotent-replayed'), 'true');
      const queued = await insertJob(world.db, { user: 'alice', status: 'queued' });
      assert.equal((await world.call('alice', 'POST', `/jobs/${queued}/requeue`)).status, 409);
      const finished = await insertJob(world.db, { user: 'alice' });
      assert.equal((await world.call('alice', 'POST', `/jobs/${finished}/requeue`)).status, 202);
      assert.equal((await launch('alice')).status, 202);

      const refused = await launch('alice');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'rate_limited');
      assert.equal(refused.body.title, 'Too many requests');
      assert.match(refused.body.detail, /^At most 3 new jobs a minute; retry in \d+ s\.$/);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal((await world.call('alice', 'POST', `/jobs/${finished}/requeue`)).status, 429);

      // A manager's bulk requeue of Alice's jobs counts against the manager, item by item.
      const jobs = [];
      for (let i = 0; i < 4; i++) jobs.push(await insertJob(world.db, { user: 'alice' }));
      const bulk = await world.call('carol', 'POST', '/jobs/bulk', { body: { action: 'requeue', ids: jobs } });
      assert.equal(bulk.status, 200);
      assert.deepEqual(
        bulk.body.results.map((r: { ok: boolean; problem?: { code: string } }) => r.problem?.code ?? r.ok),
        [true, true, true, 'rate_limited'],
      );
      assert.equal((await launch('carol')).status, 429);
    });

    it('charges retries racing with one Idempotency-Key once: they replay the launch instead of answering 429', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          world.call('bob', 'POST', '/jobs', {
            body: { type: 'quick' },
            headers: { 'idempotency-key': 'double-click' },
          }),
        ),
      );
      assert.deepEqual(
        answers.map((answer) => answer.status),
        Array.from({ length: 8 }, () => 202),
      );
      assert.equal(new Set(answers.map((answer) => answer.body.id)).size, 1);
      assert.equal(answers.filter((answer) => answer.headers.get('idempotent-replayed') !== 'true').length, 1);
      // Two of Bob's three launches are left.
      for (const expected of [202, 202, 429]) {
        assert.equal((await world.call('bob', 'POST', '/jobs', { body: { type: 'quick' } })).status, expected);
      }
    });
  });

  describe(`requeue retries and the new jobs per minute (${kind})`, () => {
    let world: World;
    before(async () => {
      world = await openWorld(kind, () => testJobTypes(), { launchesPerMinute: 3 });
    });
    after(() => world.close());

    it('charges requeue retries racing with one Idempotency-Key once, and a later replay not at all', async () => {
      const original = await insertJob(world.db, { user: 'carol', status: 'failed' });
      const retry = () =>
        world.call('carol', 'POST', `/jobs/${original}/requeue`, { headers: { 'idempotency-key': 'impatient' } });
      const answers = await Promise.all(Array.from({ length: 8 }, retry));
      assert.deepEqual(
        answers.map((answer) => answer.status),
        Array.from({ length: 8 }, () => 202),
      );
      assert.equal(new Set(answers.map((answer) => answer.body.id)).size, 1);
      for (let i = 0; i < 4; i++) assert.equal((await retry()).status, 202);
      // Two of Carol's three new jobs are left.
      for (const expected of [202, 202, 429]) {
        assert.equal((await world.call('carol', 'POST', '/jobs', { body: { type: 'quick' } })).status, expected);
      }
      // None is left, and a retry still gets its answer: it queues nothing.
      const replayed = await retry();
      assert.deepEqual([replayed.status, replayed.body.id], [202, answers[0]!.body.id]);
    });
  });
}
