import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listJobs } from '../../server/store/listJobs.js';
import { dbKinds } from '../support/db.js';
import { testJobTypes } from './fixtures.js';
import { insertJob, openWorld, type World } from './helpers.js';

const ids = (page: { items: { id: string }[] }) => page.items.map((job) => job.id);

for (const kind of dbKinds) {
  describe(`GET /jobs, facets and export (${kind})`, () => {
    let world: World;
    const jobs: Record<string, string> = {};
    before(async () => {
      world = await openWorld(kind, () => testJobTypes(), { countCap: 8, exportCap: 6 });
      const at = (minute: number) => `2026-11-0${1 + (minute % 3)}T09:${String(minute).padStart(2, '0')}:00Z`;
      jobs.aliceOk = await insertJob(world.db, {
        user: 'alice',
        createdAt: at(1),
        params: { count: 7, colour: 'red' },
      });
      jobs.aliceFailed = await insertJob(world.db, {
        user: 'alice',
        status: 'failed',
        errorCode: 'lease_expired',
        createdAt: at(2),
      });
      jobs.aliceQueued = await insertJob(world.db, {
        user: 'alice',
        status: 'queued',
        type: 'gated',
        createdAt: at(3),
      });
      jobs.bobRunning = await insertJob(world.db, {
        user: 'bob',
        status: 'running',
        createdAt: at(4),
        subjects: ['product:42'],
      });
      jobs.bobSecret = await insertJob(world.db, { user: 'bob', createdAt: at(5), params: { password: 'hunter2' } });
      jobs.carolInterrupted = await insertJob(world.db, { user: 'carol', status: 'interrupted', createdAt: at(6) });
      // Same creation instant for several jobs: ties must be broken by ID without gaps or repeats.
      for (let i = 0; i < 6; i++) await insertJob(world.db, { user: 'carol', createdAt: '2026-11-02T12:00:00Z' });
    });
    after(() => world.close());

    it("lists only the caller's own jobs without jobs:read:any", async () => {
      const alice = await world.call('alice', 'GET', '/jobs');
      assert.deepEqual(ids(alice.body).sort(), [jobs.aliceOk, jobs.aliceFailed, jobs.aliceQueued].sort());
      assert.deepEqual(alice.body.total, { value: 3, exact: true });
      const own = await world.call('alice', 'GET', '/jobs?user=alice');
      assert.equal(own.body.items.length, 3);
      // jobs:open:any opens any job by ID but does not list others'.
      const bob = await world.call('bob', 'GET', '/jobs');
      assert.deepEqual(ids(bob.body).sort(), [jobs.bobRunning, jobs.bobSecret].sort());
    });

    it("answers 403 when a user without jobs:read:any asks for others' jobs", async () => {
      for (const user of ['alice', 'bob'] as const) {
        const { status, body } = await world.call(user, 'GET', '/jobs?user=carol');
        assert.equal(status, 403);
        assert.equal(body.code, 'forbidden');
      }
      assert.equal((await world.call('alice', 'GET', '/jobs/facets?user=bob')).status, 403);
      assert.equal((await world.call('alice', 'GET', '/jobs/export?user=alice,bob')).status, 403);
    });

    it("lists and filters everyone's jobs with jobs:read:any", async () => {
      const all = await world.call('carol', 'GET', '/jobs?limit=200');
      assert.equal(all.body.items.length, 12);
      const two = await world.call('carol', 'GET', '/jobs?user=alice,bob');
      assert.equal(two.body.items.length, 5);
    });

    it('filters by status groups and explicit statuses', async () => {
      const processed = await world.call('carol', 'GET', '/jobs?status=processed&user=alice,bob');
      assert.deepEqual(ids(processed.body).sort(), [jobs.aliceOk, jobs.aliceFailed, jobs.bobSecret].sort());
      const unprocessed = await world.call('carol', 'GET', '/jobs?status=unprocessed');
      assert.deepEqual(ids(unprocessed.body).sort(), [jobs.aliceQueued, jobs.bobRunning].sort());
      const explicit = await world.call('carol', 'GET', '/jobs?status=failed,interrupted');
      assert.deepEqual(ids(explicit.body).sort(), [jobs.aliceFailed, jobs.carolInterrupted].sort());
      const everything = await world.call('carol', 'GET', '/jobs?status=all,failed&limit=200');
      assert.equal(everything.body.items.length, 12);
    });

    it('filters by type, subject, error code and dates', async () => {
      assert.deepEqual(ids((await world.call('carol', 'GET', '/jobs?type=gated')).body), [jobs.aliceQueued]);
      assert.deepEqual(ids((await world.call('carol', 'GET', '/jobs?subject=product:42')).body), [jobs.bobRunning]);
      assert.deepEqual(ids((await world.call('carol', 'GET', '/jobs?error=lease_expired')).body), [jobs.aliceFailed]);
      const range = await world.call(
        'carol',
        'GET',
        `/jobs?from=${encodeURIComponent('2026-11-01T00:00:00Z')}&to=${encodeURIComponent('2026-11-02T00:00:00Z')}`,
      );
      // Minutes 3 and 6 fall on the 1st (minute % 3 === 0).
      assert.deepEqual(ids(range.body).sort(), [jobs.aliceQueued, jobs.carolInterrupted].sort());
      const later = await world.call(
        'carol',
        'GET',
        `/jobs?updatedAfter=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
      );
      assert.deepEqual(later.body.items, []);
    });

    it('searches IDs by prefix, labels, user names, option values and subjects, never secrets', async () => {
      const search = async (q: string, user: 'alice' | 'carol' = 'carol') =>
        ids((await world.call(user, 'GET', `/jobs?limit=200&q=${encodeURIComponent(q)}`)).body).sort();
      assert.deepEqual(await search(jobs.aliceQueued!), [jobs.aliceQueued]);
      assert.deepEqual(await search('gated JOB'), [jobs.aliceQueued]);
      assert.deepEqual(await search('Tâche bloquée'), [jobs.aliceQueued]);
      assert.deepEqual(await search('dupont'), [jobs.bobRunning, jobs.bobSecret].sort());
      assert.deepEqual(await search('red'), [jobs.aliceOk]);
      // What the options show: a choice's title ("Bright red"), a param's title only on jobs that have the param.
      assert.deepEqual(await search('bright RED'), [jobs.aliceOk]);
      assert.deepEqual(await search('Deep blue'), []);
      assert.deepEqual(await search('colour'), [jobs.aliceOk]);
      assert.deepEqual(await search('password'), [jobs.bobSecret]);
      assert.deepEqual(await search('PRODUCT:4'), [jobs.bobRunning]);
      assert.deepEqual(await search('hunter2'), []);
      assert.deepEqual(await search('100%'), []);
      // The search stays inside the caller's scope.
      assert.deepEqual(await search('dupont', 'alice'), []);
    });

    it('adds queue info to queued jobs and heartbeats to running ones', async () => {
      const { body } = await world.call('carol', 'GET', '/jobs?status=queued,running');
      const queued = body.items.find((job: { id: string }) => job.id === jobs.aliceQueued);
      assert.deepEqual(queued.queue, { position: 0, reason: 'no_worker' });
      const running = body.items.find((job: { id: string }) => job.id === jobs.bobRunning);
      assert.equal(running.queue, null);
      assert.ok(running.lastHeartbeatAt);
      assert.deepEqual(running.can, { requeue: false, interrupt: true, delete: false });
    });

    for (const sort of ['-createdAt', 'createdAt', 'startedAt', '-endedAt', 'type', '-user', 'status']) {
      it(`pages by keyset sorted by ${sort} with no repeats or gaps`, async () => {
        const everything = await world.call('carol', 'GET', `/jobs?sort=${sort}&limit=200`);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = `/jobs?sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await world.call('carol', 'GET', query);
          assert.equal(page.status, 200);
          seen.push(...ids(page.body));
          cursor = page.body.nextCursor;
          pages++;
        } while (cursor);
        assert.equal(pages, 3);
        assert.deepEqual(seen, ids(everything.body));
        assert.equal(new Set(seen).size, 12);
      });
    }

    it('orders newest first by default and breaks ties by ID', async () => {
      const { body } = await world.call('carol', 'GET', '/jobs?limit=200');
      const created = body.items.map((job: { createdAt: string; id: string }) => [job.createdAt, Number(job.id)]);
      const sorted = [...created].sort((a, b) => (a[0] === b[0] ? b[1] - a[1] : a[0] < b[0] ? 1 : -1));
      assert.deepEqual(created, sorted);
    });

    it('answers 400 invalid_cursor for a malformed cursor or one made for other filters', async () => {
      const garbage = await world.call('carol', 'GET', '/jobs?cursor=not-a-cursor');
      assert.equal(garbage.status, 400);
      assert.equal(garbage.body.code, 'invalid_cursor');
      const forged = Buffer.from(JSON.stringify({ k: ["x'; drop table jobs", '1'], b: 'x' })).toString('base64url');
      assert.equal((await world.call('carol', 'GET', `/jobs?cursor=${forged}`)).body.code, 'invalid_cursor');
      const first = await world.call('carol', 'GET', '/jobs?limit=2');
      const other = await world.call('carol', 'GET', `/jobs?limit=2&status=processed&cursor=${first.body.nextCursor}`);
      assert.equal(other.status, 400);
      assert.equal(other.body.code, 'invalid_cursor');
    });

    it('answers 400 invalid_cursor for a forged cursor whose binding is right but whose key the database refuses', async () => {
      // The binding is a hash anyone can compute: keep a genuine one and change the key.
      const first = await world.call('carol', 'GET', '/jobs?limit=2');
      const { k, b } = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString('utf8'));
      const forge = (key: unknown[]) => Buffer.from(JSON.stringify({ k: key, b })).toString('base64url');
      assert.equal((await world.call('carol', 'GET', `/jobs?limit=2&cursor=${forge(k)}`)).status, 200);
      for (const key of [
        ['not a date', k[1]],
        ['0000-01-01 00:00:00+00', k[1]],
        [k[0], 'x'],
        [k[0], '99999999999999999999'],
        [`${k[0]}\u0000`, k[1]],
        [k[0], '\ud800'],
        [null, k[1]],
        [k[0], null],
      ]) {
        const { status, body } = await world.call('carol', 'GET', `/jobs?limit=2&cursor=${forge(key)}`);
        assert.equal(status, 400, JSON.stringify(key));
        assert.equal(body.code, 'invalid_cursor');
      }
    });

    it('answers 400 for text and dates the database cannot store, instead of failing there', async () => {
      for (const [path, field] of [
        ['/jobs?q=a%00b', '/q'],
        ['/jobs?subject=product:%00', '/subject'],
        ['/jobs?error=%00', '/error'],
        ['/jobs/facets?q=%00', '/q'],
        ['/jobs/export?q=%00', '/q'],
        ['/jobs?from=0000-01-01T00:00:00Z', '/from'],
        ['/jobs?to=2026-01-01T00:00:00%2B23:59', '/to'],
        ['/jobs/facets?updatedAfter=9999-12-31T23:59:59-16:00', '/updatedAfter'],
      ]) {
        const { status, body } = await world.call('carol', 'GET', path);
        assert.equal(status, 400, path);
        assert.equal(body.code, 'invalid_request');
        assert.deepEqual([body.errors[0].location, body.errors[0].path], ['query', field], path);
      }
      // The widest offsets and the first year PostgreSQL takes are answered.
      for (const query of ['from=0001-01-01T00:00:00-15:59', 'to=9999-12-31T23:59:59%2B15:59']) {
        assert.equal((await world.call('carol', 'GET', `/jobs?${query}`)).status, 200, query);
      }
    });

    it('answers 400 invalid_request for parameters out of the contract', async () => {
      for (const query of [
        'limit=0',
        'limit=201',
        'status=done',
        'sort=id',
        'from=yesterday',
        'user=a%20b',
        'limit=1&limit=2',
        '__proto__=x',
        'constructor=x',
      ]) {
        const { status, body } = await world.call('carol', 'GET', `/jobs?${query}`);
        assert.equal(status, 400, query);
        assert.equal(body.code, 'invalid_request');
        assert.equal(body.errors[0].location, 'query');
      }
      // Said so a person can put it right: the allowed values listed, an empty list called empty.
      const sort = await world.call('carol', 'GET', '/jobs?sort=id');
      assert.match(sort.body.detail, /^query parameter "sort" must be one of "createdAt", "-createdAt", .*"-status"$/);
      const empty = await world.call('carol', 'GET', '/jobs?status=');
      assert.equal(empty.body.detail, 'query parameter "status" must list at least one value (leave it out for any)');
    });

    it('caps totals and says when they are not exact', async () => {
      const { body } = await world.call('carol', 'GET', '/jobs?limit=1');
      assert.deepEqual(body.total, { value: 8, exact: false });
    });

    it('counts facets per status and type, capped, in the caller scope', async () => {
      const alice = await world.call('alice', 'GET', '/jobs/facets', { headers: { 'accept-language': 'fr' } });
      assert.deepEqual(alice.body, {
        statuses: [
          { status: 'queued', count: { value: 1, exact: true } },
          { status: 'succeeded', count: { value: 1, exact: true } },
          { status: 'failed', count: { value: 1, exact: true } },
        ],
        types: [
          { type: 'quick', label: 'Tâche rapide', count: { value: 2, exact: true } },
          { type: 'gated', label: 'Tâche bloquée', count: { value: 1, exact: true } },
        ],
      });
      const carol = await world.call('carol', 'GET', '/jobs/facets');
      const succeeded = carol.body.statuses.find((s: { status: string }) => s.status === 'succeeded');
      assert.deepEqual(succeeded.count, { value: 8, exact: true });
      const quick = carol.body.types.find((t: { type: string }) => t.type === 'quick');
      assert.deepEqual(quick.count, { value: 8, exact: false });
    });

    it('exports the filter as CSV, capped with X-Truncated', async () => {
      const alice = await world.call('alice', 'GET', '/jobs/export?status=processed');
      assert.match(alice.headers.get('content-type')!, /^text\/csv/);
      assert.match(alice.headers.get('content-disposition')!, /attachment; filename="jobs.csv"/);
      assert.equal(alice.headers.get('x-truncated'), null);
      const lines = alice.text.trimEnd().split('\r\n');
      assert.equal(lines[0], 'id,type,status,user,createdAt,startedAt,endedAt,host,warnings,errors');
      assert.deepEqual(
        lines.slice(1).map((line) => line.split(',')[0]),
        [jobs.aliceFailed, jobs.aliceOk],
      );
      const carol = await world.call('carol', 'GET', '/jobs/export');
      assert.equal(carol.headers.get('x-truncated'), 'true');
      assert.equal(carol.text.trimEnd().split('\r\n').length, 7);
    });
  });
}

for (const kind of dbKinds) {
  describe(`GET /jobs page order (${kind})`, () => {
    let world: World;
    const created: string[] = [];
    before(async () => {
      world = await openWorld(kind, () => testJobTypes());
      // 105 jobs at one instant: IDs cross from two digits to three, where text order (100 < 99) is wrong.
      for (let i = 0; i < 105; i++) {
        created.push(await insertJob(world.db, { user: 'carol', createdAt: '2026-11-02T12:00:00Z' }));
      }
    });
    after(() => world.close());

    const numerically = (direction: 1 | -1) => [...created].sort((a, b) => direction * (Number(a) - Number(b)));

    it('breaks ties on the sort key by numeric ID, in either direction, on every page', async () => {
      for (const [sort, direction] of [
        ['-createdAt', -1],
        ['createdAt', 1],
      ] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await world.call(
            'carol',
            'GET',
            `/jobs?sort=${sort}&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
          );
          seen.push(...ids(page.body));
          cursor = page.body.nextCursor;
        } while (cursor);
        assert.deepEqual(seen, numerically(direction), sort);
      }
    });

    it('reads each list field as the table holds it (dates, arrays, bigints, nulls), whatever it holds', async () => {
      const full = await insertJob(world.db, { user: 'carol', createdAt: '2026-11-03T08:00:00Z' });
      await world.db.query(
        `update jobs set status = 'interrupted', email = 'carol@example.test', notify_by_email = true,
           subjects = array['product:1', 'a "quoted", comma'], started_at = '2026-11-03T08:00:01.5Z',
           ended_at = '2026-11-03T08:00:09.123456Z', host = 'host-1', last_heartbeat_at = '2026-11-03T08:00:05Z',
           progress_done = 3, progress_total = 7, progress_message = 'Étape 3', warnings = 2, errors = 1,
           error_code = 'boom', requeued_from = 9007199254740993, requeued_as = 9007199254740995,
           interrupted_by_id = 'alice', interrupted_by_name = 'Alice', forced = true
         where id = $1::bigint`,
        [full],
      );
      const { rows: listed } = await listJobs(world.db, { owners: null }, { limit: 200 });
      const { rows: table } = await world.db.query(
        `select id, type, status, user_id, user_name, notify_by_email, email, subjects, created_at, started_at,
           ended_at, updated_at, host, last_heartbeat_at, progress_done, progress_total, progress_message, warnings,
           errors, error_code, requeued_from::text as requeued_from, requeued_as::text as requeued_as,
           interrupted_by_id, interrupted_by_name, forced
         from jobs where id = any($1::bigint[])`,
        [[full, created[0]]],
      );
      for (const row of table) {
        assert.deepEqual(
          listed.find((job) => job.id === row.id),
          row,
        );
      }
      assert.equal(listed.find((job) => job.id === full)?.requeued_from, '9007199254740993');
    });
  });
}
