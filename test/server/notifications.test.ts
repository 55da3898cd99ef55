/** End-of-job notifications: stored when a job ends, listed, paged, marked read — on PGlite and PostgreSQL. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../server/db/types.js';
import { enqueueJob } from '../../server/queue/enqueue.js';
import { startWorker, type Worker } from '../../server/queue/worker.js';
import { dbKinds, openTestDb } from '../support/db.js';
import { bearer, jobType, type LiveWorld, liveWorld, type UserName } from './events-support.js';
import { waitFor } from './queue/helpers.js';

interface Page {
  items: { id: string; jobId: string; status: string; readAt: string | null; typeLabel: string; errors: number }[];
  nextCursor: string | null;
  unread: number;
}

for (const kind of dbKinds) {
  describe(`notifications (${kind})`, () => {
    let db: Db;
    let world: LiveWorld;
    let worker: Worker;
    const jobTypes = [
      jobType('quick', async () => {}),
      jobType('broken', async () => {
        throw new Error('no luck');
      }),
    ];
    const get = async (user: UserName, query = '', headers: Record<string, string> = {}) => {
      const response = await world.fetch(`http://localhost/api/notifications${query}`, {
        headers: { ...bearer(user), ...headers },
      });
      return { status: response.status, body: (await response.json()) as Page };
    };
    const post = async (user: UserName, path: string) => {
      const response = await world.fetch(`http://localhost/api/notifications${path}`, {
        method: 'POST',
        headers: bearer(user),
      });
      return { status: response.status, body: await response.json() };
    };
    const jobs: Record<string, string> = {};

    before(async () => {
      db = await openTestDb(kind);
      world = await liveWorld(db, jobTypes);
      worker = startWorker({ db, jobTypes, onError: () => {} });
      const enqueue = async (name: string, user: 'alice' | 'bob', type: string) => {
        jobs[name] = (await enqueueJob(db, { type, userId: user, userName: user, locale: 'en' })).id;
      };
      await enqueue('first', 'alice', 'quick');
      await enqueue('second', 'alice', 'broken');
      await enqueue('third', 'alice', 'quick');
      await enqueue('bobs', 'bob', 'quick');
      const deadline = Date.now() + 5000;
      while ((await get('alice')).body.items.length < 3 || (await get('bob')).body.items.length < 1) {
        if (Date.now() > deadline) throw new Error('jobs did not end');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    after(async () => {
      await worker.stop();
      await world.close();
      await db.close();
    });

    test('one notification per ended job, for its owner only, newest first, paged', async () => {
      const all = await get('alice');
      assert.equal(all.status, 200);
      assert.equal(all.body.unread, 3);
      assert.deepEqual(all.body.items.map((n) => n.jobId).sort(), [jobs.first, jobs.second, jobs.third].sort());
      const ids = all.body.items.map((n) => BigInt(n.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => (a > b ? -1 : 1)),
      );
      const failed = all.body.items.find((n) => n.jobId === jobs.second)!;
      assert.equal(failed.status, 'failed');
      assert.equal(failed.errors, 1);
      assert.equal(
        (await get('alice', '', { 'accept-language': 'fr' })).body.items[0]!.typeLabel.endsWith('(fr)'),
        true,
      );

      const first = await get('alice', '?limit=2');
      assert.equal(first.body.items.length, 2);
      assert.ok(first.body.nextCursor);
      const second = await get('alice', `?limit=2&cursor=${first.body.nextCursor}`);
      assert.equal(second.body.items.length, 1);
      assert.equal(second.body.nextCursor, null);
      assert.deepEqual([...first.body.items, ...second.body.items], all.body.items);

      assert.equal((await get('alice', '?cursor=nonsense')).status, 400);
      assert.equal((await get('alice', `?unread=true&cursor=${first.body.nextCursor}`)).status, 400);
      const bobs = await get('bob');
      assert.deepEqual(
        bobs.body.items.map((n) => n.jobId),
        [jobs.bobs],
      );
    });

    test('marking read, one or all; someone else’s notification is a 404', async () => {
      const before = (await get('alice')).body;
      const target = before.items[1]!;
      const marked = await post('alice', `/${target.id}/read`);
      assert.equal(marked.status, 200);
      assert.ok(marked.body.readAt);
      const again = await post('alice', `/${target.id}/read`);
      assert.equal(again.body.readAt, marked.body.readAt, 'the first read time is kept');

      const unread = await get('alice', '?unread=true');
      assert.equal(unread.body.unread, 2);
      assert.equal(unread.body.items.length, 2);
      assert.ok(!unread.body.items.some((n) => n.id === target.id));

      const bobsId = (await get('bob')).body.items[0]!.id;
      assert.equal((await post('alice', `/${bobsId}/read`)).status, 404);
      assert.equal((await post('alice', '/not-a-number/read')).status, 404);
      assert.equal((await get('bob')).body.unread, 1);

      assert.deepEqual((await post('alice', '/read')).body, { marked: 2 });
      assert.equal((await get('alice')).body.unread, 0);
      assert.deepEqual((await post('alice', '/read')).body, { marked: 0 });
    });

    test('a deleted job’s notification is no longer listed, counted or marked', async () => {
      await enqueueJob(db, { type: 'quick', userId: 'bob', userName: 'bob', locale: 'en' });
      await waitFor(async () => (await get('bob')).body.unread === 2);
      const gone = (await get('bob')).body.items.find((item) => item.jobId === jobs.bobs)!;
      const deleted = await world.fetch(`http://localhost/api/jobs/${jobs.bobs}`, {
        method: 'DELETE',
        headers: bearer('bob'),
      });
      assert.equal(deleted.status, 204);
      const after = (await get('bob')).body;
      assert.equal(after.unread, 1);
      assert.equal(after.items.length, 1);
      assert.notEqual(after.items[0]!.jobId, jobs.bobs);
      const markedGone = await post('bob', `/${gone.id}/read`);
      assert.equal(markedGone.status, 404);
      assert.equal(markedGone.body.code, 'not_found');
      assert.equal((await get('bob')).body.unread, 1);
      assert.deepEqual((await post('bob', '/read')).body, { marked: 1 });
    });

    test('a malformed ID or an unknown query parameter is a 400 the contract declares', async () => {
      for (const path of ['/a.b/read', '/read?all=1']) {
        const { status, body } = await post('alice', path);
        assert.equal(status, 400, path);
        assert.equal(body.code, 'invalid_request');
      }
      const token = await world.fetch('http://localhost/api/events/token?x=1', {
        method: 'POST',
        headers: bearer('alice'),
      });
      assert.equal(token.status, 400);
    });

    test('without credentials: 401', async () => {
      const response = await world.fetch('http://localhost/api/notifications');
      assert.equal(response.status, 401);
    });
  });
}
