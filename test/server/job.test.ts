import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dbKinds } from '../support/db.js';
import { jobType, testJobTypes } from './fixtures.js';
import { insertJob, openWorld, type World } from './helpers.js';

for (const kind of dbKinds) {
  describe(`GET /jobs/{id}, report, messages and artifacts (${kind})`, () => {
    let world: World;
    let aliceJob: string;
    before(async () => {
      world = await openWorld(kind, () => testJobTypes());
      aliceJob = await insertJob(world.db, { user: 'alice', params: { count: 2, password: 'hunter2' } });
      await world.db.query(
        `
update jobs set steps = $2::jsonb, counters = '{"read": 3, "skipped": 1}', warnings = 2, errors = 1,
  progress_done = 3, progress_total = 3
where id = $1::bigint`,
        [
          aliceJob,
          JSON.stringify([
            {
              name: 'validate',
              label: 'Validate rows',
              status: 'succeeded',
              startedAt: '2026-11-23T09:15:01.000Z',
              endedAt: '2026-11-23T09:15:02.000Z',
              counters: { read: 3, skipped: 1 },
            },
          ]),
        ],
      );
      for (const [level, message] of [
        ['info', 'Started'],
        ['warning', 'Price is not a number'],
        ['error', 'Row 9 is broken'],
        ['warning', 'Name is missing'],
        ['info', 'Done'],
      ]) {
        await world.db.query(
          `insert into job_messages (job_id, level, message, item, step) values ($1::bigint, $2::text, $3::text, $4::jsonb, 'validate')`,
          [aliceJob, level, message, JSON.stringify(level === 'info' ? null : { row: 3, price: 'twelve' })],
        );
      }
      await world.db.query(
        `
insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
values ($1::bigint, 'export.csv', 'output', 'Produits été.csv', 'text/csv', 8, $2::bytea)`,
        [aliceJob, Buffer.from('a,b\n1,2\n')],
      );
    });
    after(() => world.close());

    it("returns the owner's job in full, sensitive params left out", async () => {
      const { status, body } = await world.call('alice', 'GET', `/jobs/${aliceJob}`);
      assert.equal(status, 200);
      assert.deepEqual(body.params, { count: 2 });
      assert.deepEqual(body.options.at(-1), { name: 'password', label: 'Password', value: '••••••' });
      assert.deepEqual(body.progress, { done: 3, total: 3, percent: 100, message: null });
      assert.deepEqual(body.counters, { read: 3, skipped: 1 });
      assert.deepEqual(body.can, { requeue: true, interrupt: false, delete: true });
      assert.equal(body.host, 'test-worker');
      assert.equal(typeof body.processingMs, 'number');
    });

    it("shows a job whose params are no object (queued by a host's own SQL) with none, not a 500", async () => {
      for (const params of ['null', '[1,2]', '"text"']) {
        const id = await insertJob(world.db, { user: 'alice' });
        await world.db.query(`update jobs set params = $2::jsonb where id = $1::bigint`, [id, params]);
        const { status, body } = await world.call('alice', 'GET', `/jobs/${id}`);
        assert.equal(status, 200, params);
        assert.deepEqual([body.params, body.options], [{}, []], params);
        assert.equal((await world.call('alice', 'GET', `/jobs/${id}/report`)).status, 200, params);
        assert.equal((await world.call('alice', 'GET', '/jobs?q=text')).status, 200, params);
      }
    });

    it('shows and searches none of the params of a type this server no longer defines: they may be secrets', async () => {
      const id = await insertJob(world.db, {
        user: 'alice',
        type: 'retired-type',
        params: { apiKey: 'sk-live-123', region: 'north' },
      });
      const { status, body } = await world.call('alice', 'GET', `/jobs/${id}`);
      assert.equal(status, 200);
      assert.deepEqual([body.type, body.params, body.options], ['retired-type', {}, []]);
      for (const q of ['sk-live', 'north']) {
        const found = await world.call('alice', 'GET', `/jobs?q=${q}`);
        assert.deepEqual(found.body.items, [], q);
      }
      assert.equal((await world.call('alice', 'GET', '/jobs?q=retired-type')).body.items.length, 0);
    });

    it('answers 404 for a job the caller may not see, exactly as for a missing one', async () => {
      const bobJob = await insertJob(world.db, { user: 'bob' });
      const hidden = await world.call('alice', 'GET', `/jobs/${bobJob}`);
      const missing = await world.call('alice', 'GET', '/jobs/999999');
      assert.equal(hidden.status, 404);
      assert.equal(missing.status, 404);
      assert.equal(hidden.body.code, 'not_found');
      for (const path of ['report', 'messages', 'artifacts/export.csv']) {
        assert.equal((await world.call('alice', 'GET', `/jobs/${bobJob}/${path}`)).status, 404, path);
      }
      assert.equal((await world.call('alice', 'GET', '/jobs/abc')).status, 404);
      assert.equal((await world.call('alice', 'GET', '/jobs/99999999999999999999999')).status, 404);
      assert.equal((await world.call('alice', 'GET', '/jobs/a.b')).status, 400);
    });

    it('opens any job by ID with jobs:open:any or jobs:read:any, without the right to act', async () => {
      for (const user of ['bob', 'carol'] as const) {
        const { status, body } = await world.call(user, 'GET', `/jobs/${aliceJob}`);
        assert.equal(status, 200);
        assert.equal(body.can.delete, user === 'carol');
        assert.equal((await world.call(user, 'GET', `/jobs/${aliceJob}/report`)).status, 200);
        assert.equal((await world.call(user, 'GET', `/jobs/${aliceJob}/messages`)).status, 200);
        assert.equal((await world.call(user, 'GET', `/jobs/${aliceJob}/artifacts/export.csv`)).status, 200);
      }
    });

    it('tells why a queued job waits: its place in the queue, no worker, or a retry', async () => {
      const first = await insertJob(world.db, { user: 'alice', status: 'queued' });
      const second = await insertJob(world.db, { user: 'alice', status: 'queued' });
      const queueOf = async (id: string) => (await world.call('alice', 'GET', `/jobs/${id}`)).body.queue;
      assert.deepEqual(await queueOf(first), { position: 0, reason: 'no_worker' });
      assert.deepEqual(await queueOf(second), { position: 1, reason: 'no_worker' });
      await world.db.query(`insert into workers (id) values ('test-worker')`);
      try {
        assert.deepEqual(await queueOf(second), { position: 1, reason: 'queued' });
        // As the queue does when it retries a job later: both the job and its queue entry move.
        await world.db.query(`update jobs set run_after = now() + interval '1 hour' where id = $1::bigint`, [first]);
        await world.db.query(`update job_queue set run_after = now() + interval '1 hour' where job_id = $1::bigint`, [
          first,
        ]);
        assert.deepEqual(await queueOf(first), { position: 1, reason: 'retry_wait' });
        assert.deepEqual(await queueOf(second), { position: 0, reason: 'queued' });
      } finally {
        await world.db.query(`delete from workers`);
        await world.db.query(`delete from jobs where id = any($1::bigint[])`, [[first, second]]);
      }
    });

    it('localises the type label', async () => {
      const { body } = await world.call('bob', 'GET', `/jobs/${aliceJob}`, { headers: { 'accept-language': 'fr' } });
      assert.equal(body.typeLabel, 'Tâche rapide');
    });

    it('reports steps, message counts and artifacts', async () => {
      const { body } = await world.call('alice', 'GET', `/jobs/${aliceJob}/report`);
      assert.equal(body.job.id, aliceJob);
      assert.deepEqual(body.steps, [
        {
          name: 'validate',
          label: 'Validate rows',
          status: 'succeeded',
          startedAt: '2026-11-23T09:15:01.000Z',
          endedAt: '2026-11-23T09:15:02.000Z',
          counters: { read: 3, skipped: 1 },
        },
      ]);
      assert.deepEqual(body.messageCounts, { info: 2, warning: 2, error: 1 });
      assert.equal(body.artifacts.length, 1);
      assert.equal(body.artifacts[0].fileName, 'Produits été.csv');
    });

    it('pages messages oldest first, filtered by level', async () => {
      const first = await world.call('alice', 'GET', `/jobs/${aliceJob}/messages?limit=2`);
      assert.deepEqual(
        first.body.items.map((m: { message: string }) => m.message),
        ['Started', 'Price is not a number'],
      );
      const second = await world.call(
        'alice',
        'GET',
        `/jobs/${aliceJob}/messages?limit=2&cursor=${first.body.nextCursor}`,
      );
      const third = await world.call(
        'alice',
        'GET',
        `/jobs/${aliceJob}/messages?limit=2&cursor=${second.body.nextCursor}`,
      );
      assert.deepEqual(
        [...second.body.items, ...third.body.items].map((m: { message: string }) => m.message),
        ['Row 9 is broken', 'Name is missing', 'Done'],
      );
      assert.equal(third.body.nextCursor, null);
      const problems = await world.call('alice', 'GET', `/jobs/${aliceJob}/messages?level=warning,error`);
      assert.deepEqual(
        problems.body.items.map((m: { level: string }) => m.level),
        ['warning', 'error', 'warning'],
      );
      assert.deepEqual(problems.body.items[0].item, { row: 3, price: 'twelve' });
      assert.equal(problems.body.items[0].step, 'validate');
    });

    it('answers 400 for a bad level or cursor on messages', async () => {
      assert.equal((await world.call('alice', 'GET', `/jobs/${aliceJob}/messages?level=debug`)).status, 400);
      const bad = await world.call('alice', 'GET', `/jobs/${aliceJob}/messages?cursor=xyz`);
      assert.equal(bad.body.code, 'invalid_cursor');
      const page = await world.call('alice', 'GET', `/jobs/${aliceJob}/messages?limit=1`);
      const otherFilter = await world.call(
        'alice',
        'GET',
        `/jobs/${aliceJob}/messages?level=error&cursor=${page.body.nextCursor}`,
      );
      assert.equal(otherFilter.body.code, 'invalid_cursor');
    });

    it('downloads an artifact with its type and original name', async () => {
      const { status, headers, text } = await world.call('alice', 'GET', `/jobs/${aliceJob}/artifacts/export.csv`);
      assert.equal(status, 200);
      assert.equal(headers.get('content-type'), 'text/csv');
      assert.equal(
        headers.get('content-disposition'),
        `attachment; filename="Produits _t_.csv"; filename*=UTF-8''Produits%20%C3%A9t%C3%A9.csv`,
      );
      assert.equal(text, 'a,b\n1,2\n');
      assert.equal((await world.call('alice', 'GET', `/jobs/${aliceJob}/artifacts/other.csv`)).status, 404);
      await world.db.query(
        `insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
         values ($1::bigint, 'odd.txt', 'output', $2::text, 'text/plain', 1, '\\x41')`,
        [aliceJob, "../it's (1)*!\u202Etxt.exe"],
      );
      const odd = await world.call('alice', 'GET', `/jobs/${aliceJob}/artifacts/odd.txt`);
      assert.equal(
        odd.headers.get('content-disposition'),
        `attachment; filename=".._it's (1)*!txt.exe"; filename*=UTF-8''.._it%27s%20%281%29%2A!txt.exe`,
      );
      await world.db.query(
        `insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
         values ($1::bigint, 'blank.txt', 'output', $2::text, 'text/plain', 1, '\\x41')`,
        [aliceJob, '\u202e\u0007 '],
      );
      const blank = await world.call('alice', 'GET', `/jobs/${aliceJob}/artifacts/blank.txt`);
      assert.equal(
        blank.headers.get('content-disposition'),
        `attachment; filename="blank.txt"; filename*=UTF-8''blank.txt`,
      );
      assert.equal((await world.call('alice', 'GET', `/jobs/${aliceJob}/artifacts/bad%20name`)).status, 400);
    });
  });

  describe(`sensitive params beyond a writeOnly property: $ref, additionalProperties, patternProperties, files (${kind})`, () => {
    let world: World;
    before(async () => {
      world = await openWorld(kind, () => [
        jobType('vault', async () => {}, {
          paramsSchema: {
            type: 'object',
            $defs: { secret: { type: 'string', writeOnly: true } },
            properties: {
              name: { type: 'string', title: 'Name' },
              apiKey: { $ref: '#/$defs/secret', title: 'API key' },
            },
          },
        }),
        jobType('webhook', async () => {}, {
          paramsSchema: {
            type: 'object',
            properties: { url: { type: 'string', title: 'URL' } },
            additionalProperties: { type: 'string', writeOnly: true },
          },
        }),
        jobType('signer', async () => {}, {
          paramsSchema: {
            type: 'object',
            properties: { name: { type: 'string', title: 'Name' }, tokenMain: { type: 'string', title: 'Main token' } },
            patternProperties: { '^token': { type: 'string', writeOnly: true } },
          },
        }),
        jobType('certify', async () => {}, {
          paramsSchema: {
            type: 'object',
            properties: {
              key: { type: 'string', title: 'Private key', contentMediaType: 'text/plain', writeOnly: true },
              list: { type: 'string', title: 'Hosts', contentMediaType: 'text/csv' },
            },
          },
        }),
      ]);
    });
    after(() => world.close());

    it('neither shows nor searches them, to the owner or to anyone', async () => {
      const jobs = {
        vault: await insertJob(world.db, { type: 'vault', params: { name: 'north', apiKey: 'sk-ref-1' } }),
        webhook: await insertJob(world.db, {
          type: 'webhook',
          params: { url: 'https://north.example', authorization: 'sk-extra-2' },
        }),
        signer: await insertJob(world.db, {
          type: 'signer',
          params: { name: 'north', tokenMain: 'sk-pattern-3', tokenBackup: 'sk-pattern-4' },
        }),
      };
      const expected = {
        vault: [
          { name: 'north' },
          [
            ['Name', 'north'],
            ['API key', '••••••'],
          ],
        ],
        webhook: [{ url: 'https://north.example' }, [['URL', 'https://north.example']]],
        signer: [
          { name: 'north' },
          [
            ['Name', 'north'],
            ['Main token', '••••••'],
          ],
        ],
      };
      for (const user of ['alice', 'bob'] as const) {
        for (const [type, id] of Object.entries(jobs)) {
          const { body } = await world.call(user, 'GET', `/jobs/${id}`);
          const options = body.options.map((o: { label: string; value: string }) => [o.label, o.value]);
          assert.deepEqual([body.params, options], expected[type as keyof typeof expected], `${type} to ${user}`);
        }
      }
      for (const q of ['sk-ref', 'sk-extra', 'sk-pattern']) {
        const { body } = await world.call('alice', 'GET', `/jobs?q=${q}`);
        assert.deepEqual(body.items, [], q);
      }
      const found = await world.call('alice', 'GET', '/jobs?q=north');
      assert.deepEqual(found.body.items.map((job: { id: string }) => job.id).sort(), Object.values(jobs).sort());
    });

    it('keeps a file uploaded for a sensitive param, or for a type no longer defined, out of the report', async () => {
      const launched = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'certify', params: { key: 'PRIVATE KEY', list: 'north.example' } },
      });
      const retired = await insertJob(world.db, { type: 'retired-type', params: { key: 'key.txt' } });
      await world.db.query(
        `
insert into job_artifacts (job_id, name, role, file_name, content_type, size, data)
values ($1::bigint, 'key', 'input', 'key.txt', 'text/plain', 11, $2::bytea)`,
        [retired, Buffer.from('PRIVATE KEY')],
      );
      for (const user of ['alice', 'bob'] as const) {
        const report = await world.call(user, 'GET', `/jobs/${launched.body.id}/report`);
        assert.deepEqual(
          report.body.artifacts.map((a: { name: string }) => a.name),
          ['list'],
          user,
        );
        assert.equal((await world.call(user, 'GET', `/jobs/${launched.body.id}/artifacts/list`)).text, 'north.example');
        assert.equal((await world.call(user, 'GET', `/jobs/${launched.body.id}/artifacts/key`)).status, 404, user);
        assert.deepEqual((await world.call(user, 'GET', `/jobs/${retired}/report`)).body.artifacts, [], user);
        assert.equal((await world.call(user, 'GET', `/jobs/${retired}/artifacts/key`)).status, 404, user);
      }
    });
  });
}
