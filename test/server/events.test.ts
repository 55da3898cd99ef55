/**
 * The live stream (`GET /events`) on PGlite and PostgreSQL: who sees what, in which order, resuming with
 * Last-Event-ID, reset, heartbeats, stream tokens, and the SDK's `subscribe()` against it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cors } from 'hono/cors';
import { createJobsClient } from '../../sdk/index.js';
import type { StreamEvent } from '../../sdk/types.js';
import { createApp } from '../../server/app.js';
import { loadUsers, tokenAuth } from '../../server/auth/tokens.js';
import type { Db } from '../../server/db/types.js';
import { pruneEvents } from '../../server/events/queries.js';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { startWorker, type Worker } from '../../server/queue/worker.js';
import { contractChecked, validateSchema } from '../support/contract.js';
import { dbKinds, openTestDb } from '../support/db.js';
import { bearer, jobType, type LiveWorld, liveWorld, TestStream, type UserName } from './events-support.js';

async function waitForRow(db: Db, sql: string, params: unknown[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await db.query(sql, params)).rows.length === 0) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${sql}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const kind of dbKinds) {
  describe(`live events (${kind})`, () => {
    let db: Db;
    let world: LiveWorld;
    let worker: Worker;
    const jobTypes: JobTypeDefinition[] = [
      jobType('quick', async () => {}),
      // Reports progress and waits until it is stored, so a separate `job.progress` is sure to exist.
      jobType('stepped', async (context) => {
        context.progress(1, 2, 'half way');
        await waitForRow(db, `select 1 from jobs where id = $1::bigint and progress_done = 1`, [context.jobId]);
      }),
    ];
    const streams: TestStream[] = [];
    const open = async (url: string, headers: Record<string, string>) => {
      const stream = await TestStream.open(world.fetch, url, headers);
      streams.push(stream);
      return stream;
    };
    const launch = async (user: UserName, type: string): Promise<string> => {
      const response = await world.fetch('http://localhost/api/jobs', {
        method: 'POST',
        headers: { ...bearer(user), 'content-type': 'application/json' },
        body: JSON.stringify({ type, params: {} }),
      });
      assert.equal(response.status, 202);
      return ((await response.json()) as { id: string }).id;
    };

    before(async () => {
      db = await openTestDb(kind);
      world = await liveWorld(db, jobTypes, { heartbeatMs: 50 }, { maxStreamsPerUser: 20 });
      worker = startWorker({ db, jobTypes, progressIntervalMs: 0, onError: () => {} });
    });
    after(async () => {
      for (const stream of streams) stream.close();
      await worker.stop();
      await world.close();
      await db.close();
    });

    test('a page on another origin gets the stream when the host mounts CORS middleware', async () => {
      const origin = 'https://host.example';
      const app = createApp({
        db,
        auth: tokenAuth(await loadUsers()),
        jobTypes,
        live: world.live,
        mount: (api) => {
          api.use(cors({ origin, allowHeaders: ['Authorization', 'Last-Event-ID'] }));
        },
      });
      const preflight = await app.request('/api/events', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization,last-event-id',
        },
      });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /last-event-id/i);
      const abort = new AbortController();
      const stream = await contractChecked((request) => app.fetch(request))('http://localhost/api/events', {
        headers: { ...bearer('alice'), origin },
        signal: abort.signal,
      });
      abort.abort();
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(stream.headers.get('access-control-allow-origin'), origin);
    });

    test('a user sees their job go queued → running → progress → succeeded, and nothing of others', async () => {
      const alice = await open('/api/events', bearer('alice'));
      const bob = await open('/api/events', bearer('bob'));
      const carol = await open('/api/events', bearer('carol'));
      const aliceJob = await launch('alice', 'stepped');
      const bobJob = await launch('bob', 'quick');
      const endOf = (stream: TestStream, jobId: string) => (s: TestStream) =>
        s === stream && s.trail(jobId).includes('job.finished:succeeded');
      await alice.until((s) => s.trail(aliceJob).includes('notification.created'));
      await bob.until((s) => s.trail(bobJob).includes('notification.created'));
      await carol.until(endOf(carol, aliceJob));
      await carol.until(endOf(carol, bobJob));

      assert.deepEqual(alice.trail(aliceJob), [
        'job.created:queued',
        'job.updated:running',
        'job.progress',
        'job.finished:succeeded',
        'notification.created',
      ]);
      const progress = alice.events.find((e) => e.event === 'job.progress')!.data;
      assert.deepEqual(progress.progress, { done: 1, total: 2, percent: 50, message: 'half way' });
      assert.deepEqual(alice.trail(bobJob), []);
      assert.deepEqual(bob.trail(aliceJob), [], 'jobs:open:any opens a job by ID but does not list it');
      // The quick job ended before its worker marked it running; the stepped one was marked before its first report.
      assert.deepEqual(bob.trail(bobJob), ['job.created:queued', 'job.finished:succeeded', 'notification.created']);
      // The supervisor lists everyone's jobs but gets only their own notifications.
      assert.deepEqual(carol.trail(aliceJob), alice.trail(aliceJob).slice(0, -1));
      assert.equal(carol.events.filter((e) => e.event === 'notification.created').length, 0);
      // `can` is the viewer's: carol may act on alice's job, bob may not see it at all.
      const finishedForCarol = carol.events.find((e) => e.data.job?.id === aliceJob && e.event === 'job.finished')!;
      assert.deepEqual(finishedForCarol.data.job.can, { requeue: true, interrupt: false, delete: true });
      const notification = alice.events.find((e) => e.event === 'notification.created')!.data.notification;
      assert.equal(notification.jobId, aliceJob);
      assert.equal(notification.status, 'succeeded');
      assert.equal(notification.typeLabel, 'stepped (en)');
    });

    test('a deletion reaches the stream', async () => {
      const alice = await open('/api/events', bearer('alice'));
      const jobId = await launch('alice', 'quick');
      await alice.until((s) => s.trail(jobId).includes('job.finished:succeeded'));
      const response = await world.fetch(`http://localhost/api/jobs/${jobId}`, {
        method: 'DELETE',
        headers: bearer('alice'),
      });
      assert.equal(response.status, 204);
      await alice.until((s) => s.trail(jobId).includes('job.deleted'));
    });

    test('a dropped stream resumed with Last-Event-ID gets every missed event exactly once', async () => {
      const reference = await open('/api/events', bearer('alice'));
      const first = await open('/api/events', bearer('alice'));
      const jobA = await launch('alice', 'quick');
      await first.until((s) => s.trail(jobA).includes('notification.created'));
      first.close();
      const missed = [await launch('alice', 'quick'), await launch('alice', 'quick')];
      // Both, not the last launched: two completions can commit in either order.
      const allNotified = (s: TestStream) => missed.every((id) => s.trail(id).includes('notification.created'));
      await reference.until(allNotified);
      const lastSeen = first.events.at(-1)!.id;
      const byHeader = await open('/api/events', { ...bearer('alice'), 'last-event-id': lastSeen });
      const byQuery = await open(`/api/events?lastEventId=${lastSeen}`, bearer('alice'));
      for (const resumed of [byHeader, byQuery]) {
        await resumed.until(allNotified);
        const ids = [...first.events, ...resumed.events].map((e) => e.id);
        const expected = reference.events.map((e) => e.id);
        assert.deepEqual(ids.slice(-expected.length), expected);
        assert.equal(new Set(ids).size, ids.length, 'no event twice');
      }
    });

    test('resuming from before the replay window starts with a reset; an unknown ID too', async () => {
      const alice = await open('/api/events', bearer('alice'));
      const jobId = await launch('alice', 'quick');
      await alice.until((s) => s.trail(jobId).includes('notification.created'));
      await pruneEvents(db, 0, 1_000_000);
      const old = await open('/api/events?lastEventId=1', bearer('alice'));
      await old.until((s) => s.events.length > 0);
      assert.deepEqual(old.events[0]!.data, { type: 'reset', reason: 'replay_window_exceeded' });
      const unknown = await open('/api/events?lastEventId=99999999', bearer('alice'));
      await unknown.until((s) => s.events.length > 0);
      assert.deepEqual(unknown.events[0]!.data, { type: 'reset', reason: 'unknown_event_id' });
      // Live events flow after a reset.
      const next = await launch('alice', 'quick');
      await old.until((s) => s.trail(next).includes('job.finished:succeeded'));
    });

    test('too many open streams for one user: 429 with Retry-After', async () => {
      const before = world.live.streamsOf('bob');
      const opened = [];
      for (let i = before; i < 20; i++) opened.push(await open('/api/events', bearer('bob')));
      const refused = await world.fetch('http://localhost/api/events', { headers: bearer('bob') });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '5');
      for (const stream of opened) stream.close();
      const deadline = Date.now() + 5000;
      while (world.live.streamsOf('bob') > before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(world.live.streamsOf('bob'), before, 'closed streams leave the hub');
    });

    test('HEAD answers with the stream headers and opens no stream', async () => {
      const before = world.live.streamsOf('bob');
      for (let i = 0; i < 25; i++) {
        const head = await world.fetch('http://localhost/api/events', { method: 'HEAD', headers: bearer('bob') });
        assert.equal(head.status, 200);
        assert.match(head.headers.get('content-type') ?? '', /^text\/event-stream/);
        assert.equal(await head.text(), '');
      }
      assert.equal(world.live.streamsOf('bob'), before);
      const stream = await open('/api/events', bearer('bob'));
      stream.close();
    });

    test('heartbeat comments keep idle streams open', async () => {
      const idle = await open('/api/events', bearer('bob'));
      await idle.until((s) => s.comments.filter((c) => c === 'heartbeat').length >= 2);
    });

    test('a stream token or the session cookie opens the stream; anything else is a 401', async () => {
      const minted = await world.fetch('http://localhost/api/events/token', {
        method: 'POST',
        headers: bearer('alice'),
      });
      assert.equal(minted.status, 201);
      const { token } = (await minted.json()) as { token: string };
      const viaToken = await open(`/api/events?token=${encodeURIComponent(token)}`, {});
      const jobId = await launch('alice', 'quick');
      await viaToken.until((s) => s.trail(jobId).includes('notification.created'));

      const viaCookie = await open('/api/events', { cookie: 'job_session=demo-user-token' });
      const another = await launch('alice', 'quick');
      await viaCookie.until((s) => s.trail(another).includes('notification.created'));

      const forged = `${token.slice(0, -4)}AAAA`;
      for (const url of [`/api/events?token=${encodeURIComponent(forged)}`, '/api/events']) {
        const response = await world.fetch(`http://localhost${url}`);
        assert.equal(response.status, 401);
      }
      const noToken = await world.fetch('http://localhost/api/events/token', { method: 'POST' });
      assert.equal(noToken.status, 401);
      const badId = await world.fetch('http://localhost/api/events?lastEventId=abc', { headers: bearer('alice') });
      assert.equal(badId.status, 400);
    });

    test("the SDK's subscribe() works against the stream unchanged", async () => {
      const client = createJobsClient({
        baseUrl: `http://sdk-${kind}.test/api`,
        fetch: contractChecked((request) => world.app.fetch(request)),
        headers: bearer('alice'),
      });
      const received: StreamEvent[] = [];
      const states: string[] = [];
      let jobId = '';
      const done = new Promise<void>((resolve) => {
        const unsubscribe = client.subscribe(
          (event) => {
            validateSchema('StreamEvent', event);
            received.push(event);
            if (event.type === 'notification.created' && event.notification.jobId === jobId) {
              unsubscribe();
              resolve();
            }
          },
          {
            onState: (state) => {
              states.push(state);
              if (state === 'open' && !jobId) void launch('alice', 'stepped').then((id) => (jobId = id));
            },
          },
        );
      });
      await done;
      const trail = received
        .filter(
          (e) =>
            ('job' in e
              ? e.job.id
              : 'jobId' in e
                ? e.jobId
                : e.type === 'notification.created'
                  ? e.notification.jobId
                  : '') === jobId,
        )
        .map((e) => e.type);
      assert.deepEqual(trail, ['job.created', 'job.updated', 'job.progress', 'job.finished', 'notification.created']);
      assert.deepEqual(states.slice(0, 2), ['connecting', 'open']);
    });
  });
}
