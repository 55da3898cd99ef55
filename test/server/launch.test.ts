import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { activityReport } from '../../server/jobs/activityReport.js';
import { productImport } from '../../server/jobs/productImport.js';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { dbKinds } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';
import { testJobTypes } from './fixtures.js';
import { openWorld, type World } from './helpers.js';

for (const kind of dbKinds) {
  describe(`POST /jobs (${kind})`, () => {
    let world: World;
    before(async () => {
      const demoTypes = (db: Parameters<typeof productImport>[0]) =>
        [productImport(db), activityReport(db)] as unknown as JobTypeDefinition[];
      world = await openWorld(kind, (db) => [...testJobTypes(), ...demoTypes(db)], {
        maxBodyBytes: 64 * 1024,
      });
    });
    after(() => world.close());

    it('queues the job and answers 202 with the job and its Location', async () => {
      const { status, headers, body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { count: 5, colour: 'blue' }, subjects: ['product:12'], notifyByEmail: true },
      });
      assert.equal(status, 202);
      assert.equal(headers.get('location'), `/api/jobs/${body.id}`);
      assert.equal(headers.get('idempotent-replayed'), null);
      assert.equal(body.status, 'queued');
      assert.deepEqual(body.user, { id: 'alice', name: 'Alice Martin' });
      assert.equal(body.email, 'alice@example.com');
      assert.deepEqual(body.subjects, ['product:12']);
      assert.deepEqual(body.options, [
        { name: 'count', label: 'Count', value: '5' },
        { name: 'colour', label: 'Colour', value: 'Deep blue' },
      ]);
      assert.equal(body.launchUrl, `/quick/new?from=${body.id}&count=5`);
      assert.equal(body.queue.reason, 'no_worker');
      assert.equal(body.queue.position, 0);
    });

    it('applies the schema defaults and masks sensitive params', async () => {
      const { body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { password: 's3cret' } },
      });
      assert.deepEqual(body.params, { count: 3 });
      assert.deepEqual(body.options, [
        { name: 'count', label: 'Count', value: '3' },
        { name: 'password', label: 'Password', value: '••••••' },
      ]);
      assert.doesNotMatch(JSON.stringify(body), /s3cret/);
      assert.equal(body.email, null);
    });

    it('answers 422 invalid_params with the failing fields', async () => {
      const { status, body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { count: 'many', extra: 1, colour: 'green' } },
      });
      assert.equal(status, 422);
      assert.equal(body.code, 'invalid_params');
      // Each names the param at fault; a choice lists the allowed values, once.
      assert.deepEqual(body.errors.map((e: { path: string; message: string }) => [e.path, e.message]).sort(), [
        ['/params/colour', 'must be one of "red", "blue"'],
        ['/params/count', 'must be integer'],
        ['/params/extra', 'is not allowed'],
      ]);
    });

    it('answers 422 listing the first 20 faulty params, and counting the rest', async () => {
      const params = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra${i}`, 1]));
      const { status, body } = await world.call('alice', 'POST', '/jobs', { body: { type: 'quick', params } });
      assert.equal(status, 422);
      assert.equal(body.errors.length, 20);
      assert.equal(body.detail, 'params/extra0 is not allowed (and 199 more)');
    });

    it('answers 422 unknown_job_type', async () => {
      const { status, body } = await world.call('alice', 'POST', '/jobs', { body: { type: 'no-such-type' } });
      assert.equal(status, 422);
      assert.equal(body.code, 'unknown_job_type');
    });

    it('answers 400 for a body the contract refuses, bad JSON or another media type', async () => {
      const unknownField = await world.call('alice', 'POST', '/jobs', { body: { type: 'quick', priority: 1 } });
      assert.equal(unknownField.status, 400);
      assert.deepEqual(unknownField.body.errors, [{ location: 'body', path: '/priority', message: 'is not allowed' }]);
      const badType = await world.call('alice', 'POST', '/jobs', { body: { type: 'Not A Type' } });
      assert.equal(badType.status, 400);
      const badJson = await world.call('alice', 'POST', '/jobs', {
        rawBody: '{"type":',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(badJson.status, 400);
      const text = await world.call('alice', 'POST', '/jobs', {
        rawBody: 'type=quick',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(text.status, 400);
      assert.equal(text.body.errors[0].path, '/content-type');
    });

    it('answers 400 for a body in another charset than UTF-8, or that is no UTF-8, and stores nothing', async () => {
      const latin1 = Uint8Array.from([
        ...Buffer.from('{"type":"quick","subjects":["product:caf'),
        0xe9,
        ...Buffer.from('"]}'),
      ]);
      const send = (contentType: string) =>
        world.fetch('http://test/api/jobs', {
          method: 'POST',
          headers: { authorization: `Bearer ${demoTokens.alice}`, 'content-type': contentType },
          body: latin1,
        });
      const before = await world.db.query(`select count(*)::int as n from jobs`);
      for (const [contentType, expected] of [
        [
          'application/json; charset=iso-8859-1',
          { location: 'header', path: '/content-type', message: 'must have no charset but utf-8' },
        ],
        ['application/json', { location: 'body', path: '/', message: 'is not valid UTF-8' }],
        ['application/json; charset=UTF-8', { location: 'body', path: '/', message: 'is not valid UTF-8' }],
      ] as const) {
        const answer = await send(contentType);
        assert.equal(answer.status, 400, contentType);
        assert.deepEqual((await answer.json()).errors, [expected], contentType);
      }
      const after = await world.db.query(`select count(*)::int as n from jobs`);
      assert.deepEqual(after.rows, before.rows);
      const utf8 = await world.call('alice', 'POST', '/jobs', {
        rawBody: '{"type":"quick","subjects":["product:café"]}',
        headers: { 'content-type': 'application/json; charset="utf-8"' },
      });
      assert.deepEqual([utf8.status, utf8.body.subjects], [202, ['product:café']]);
    });

    it('answers 400 for text the database cannot store, naming the field, and stores nothing', async () => {
      const before = await world.call('alice', 'GET', '/jobs?limit=1');
      for (const [rawBody, path] of [
        ['{"type":"quick","params":{"password":"a\\u0000b"}}', '/params/password'],
        ['{"type":"quick","params":{"password":"\\ud800"}}', '/params/password'],
        ['{"type":"quick","params":{"count":1,"a\\u0000":1}}', '/params/a\u0000'],
        ['{"type":"quick","subjects":["product:a\\u0000b"]}', '/subjects/0'],
        ['{"type":"quick","subjects":["product:\\udc00x"]}', '/subjects/0'],
      ]) {
        const { status, body } = await world.call('alice', 'POST', '/jobs', {
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(status, 400, rawBody);
        assert.equal(body.code, 'invalid_request');
        assert.deepEqual([body.errors[0].location, body.errors[0].path], ['body', path], rawBody);
        assert.match(body.errors[0].message, /NUL|surrogate/);
      }
      const after = await world.call('alice', 'GET', '/jobs?limit=1');
      assert.equal(after.body.total.value, before.body.total.value);
      // Thousands of bad strings: the first twenty say enough.
      const many = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { list: Array.from({ length: 5000 }, () => 'a\u0000') } },
      });
      assert.equal(many.status, 400);
      assert.equal(many.body.errors.length, 20);
    });

    it('answers 400 for JSON nested deeper than 32 levels, before anything walks it', async () => {
      const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
      const tooDeep = await world.call('alice', 'POST', '/jobs', {
        rawBody: `{"type":"quick","params":{"x":${deep(5000)}}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(tooDeep.status, 400);
      assert.match(tooDeep.body.detail, /nest deeper than 32 levels/);
      // Within the limit, the job type's own schema decides.
      const allowed = await world.call('alice', 'POST', '/jobs', {
        rawBody: `{"type":"quick","params":{"x":${deep(29)}}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(allowed.status, 422);
    });

    it("answers 422 for a date param PostgreSQL cannot store, and for what the type's checkParams refuses", async () => {
      const { status, body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'activity-report', params: { from: '0000-01-01', to: '2026-01-01' } },
      });
      assert.equal(status, 422);
      assert.equal(body.errors[0].path, '/params/from');
      const backwards = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'activity-report', params: { from: '2026-02-01', to: '2026-01-31' } },
      });
      assert.equal(backwards.status, 422);
      assert.equal(backwards.body.code, 'invalid_params');
      assert.equal(backwards.body.detail, 'params/to must not be before 2026-02-01');
      assert.deepEqual(backwards.body.errors, [
        { location: 'body', path: '/params/to', message: 'must not be before 2026-02-01' },
      ]);
      const valid = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'activity-report', params: { from: '0001-01-01', to: '2026-01-01' } },
      });
      assert.equal(valid.status, 202);
    });

    it('answers 413 payload_too_large past the body limit', async () => {
      const { status, body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { password: 'x'.repeat(70 * 1024) } },
      });
      assert.equal(status, 413);
      assert.equal(body.code, 'payload_too_large');
    });

    it('replays a retried launch with the same Idempotency-Key and body', async () => {
      const request = { body: { type: 'quick', params: { count: 2 } }, headers: { 'idempotency-key': 'k-1' } };
      const first = await world.call('alice', 'POST', '/jobs', request);
      const again = await world.call('alice', 'POST', '/jobs', request);
      assert.equal(again.status, 202);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      // Keys are per user: Carol's identical request is a launch of her own.
      const carol = await world.call('carol', 'POST', '/jobs', request);
      assert.notEqual(carol.body.id, first.body.id);
      assert.equal(carol.headers.get('idempotent-replayed'), null);
    });

    it('replays a retry that means the same launch in another key order or with subjects left out', async () => {
      const headers = { 'idempotency-key': 'k-order', 'content-type': 'application/json' };
      const first = await world.call('alice', 'POST', '/jobs', {
        rawBody: '{"type":"quick","params":{"count":1,"colour":"red"}}',
        headers,
      });
      const reordered = await world.call('alice', 'POST', '/jobs', {
        rawBody: '{"params":{"colour":"red","count":1},"subjects":[],"type":"quick"}',
        headers,
      });
      assert.equal(reordered.status, 202);
      assert.equal(reordered.body.id, first.body.id);
      assert.equal(reordered.headers.get('idempotent-replayed'), 'true');
    });

    it('answers 409 idempotency_conflict for the same key with another body', async () => {
      await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { count: 1 } },
        headers: { 'idempotency-key': 'k-2' },
      });
      const { status, body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'quick', params: { count: 9 } },
        headers: { 'idempotency-key': 'k-2' },
      });
      assert.equal(status, 409);
      assert.equal(body.code, 'idempotency_conflict');
    });

    it('answers 409 to a late retry of a launch whose job was deleted, until the key expires', async () => {
      const request = { body: { type: 'quick' }, headers: { 'idempotency-key': 'k-deleted' } };
      const first = await world.call('alice', 'POST', '/jobs', request);
      await world.db.query(`update jobs set status = 'succeeded', ended_at = now() where id = $1::bigint`, [
        first.body.id,
      ]);
      // Deleted by a manager: the key is still Alice's.
      assert.equal((await world.call('carol', 'DELETE', `/jobs/${first.body.id}`)).status, 204);
      const late = await world.call('alice', 'POST', '/jobs', request);
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'idempotency_conflict');
      assert.equal(
        late.body.detail,
        `This Idempotency-Key's launch made job ${first.body.id}, which has been deleted since.`,
      );
      assert.equal((await world.call('carol', 'POST', '/jobs', request)).status, 202);

      // 24 hours after the launch the key is free again, deleted job or not.
      await world.db.query(
        `update job_audit set detail = jsonb_set(detail, '{launchedAt}', to_jsonb(now() - interval '25 hours'))
         where job_id = $1::bigint and action = 'delete'`,
        [first.body.id],
      );
      const reused = await world.call('alice', 'POST', '/jobs', request);
      assert.equal(reused.status, 202);
      assert.notEqual(reused.body.id, first.body.id);
    });

    it('keeps an uploaded CSV as an input artifact and stores only its file name in params', async () => {
      const csv = 'sku,name,price,stock\nA-1,Chair,19.90,4\n';
      const { status, body } = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'product-import', params: { file: csv, fileName: 'chairs.csv' } },
      });
      assert.equal(status, 202);
      assert.deepEqual(body.params, { file: 'chairs.csv', fileName: 'chairs.csv', mode: 'upsert' });
      assert.deepEqual(body.options, [
        { name: 'file', label: 'CSV file', value: 'chairs.csv' },
        { name: 'mode', label: 'Mode', value: 'Create and update' },
      ]);
      const report = await world.call('alice', 'GET', `/jobs/${body.id}/report`);
      assert.deepEqual(
        report.body.artifacts.map((a: { name: string; role: string; fileName: string; size: number }) => [
          a.name,
          a.role,
          a.fileName,
          a.size,
        ]),
        [['file', 'input', 'chairs.csv', csv.length]],
      );
      const download = await world.call('alice', 'GET', `/jobs/${body.id}/artifacts/file`);
      assert.equal(download.text, csv);
    });
  });
}
