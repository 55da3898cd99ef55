/**
 * The feed hands every batch out once, even when handing it out fails, and a client resuming on a server whose feed
 * is behind gets nothing twice. The newest batch outlives pruning, so a client holding its last event is not reset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../server/db/types.js';
import { eventIdStride, pruneEvents } from '../../server/events/queries.js';
import { dbKinds, openTestDb } from '../support/db.js';
import { bearer, jobType, type LiveWorld, liveWorld, TestStream } from './events-support.js';

const jobTypes = [jobType('quick', async () => {})];

/** `db` whose statements containing `marker` first run `before` (once per arming). */
function interceptedDb(db: Db, marker: string): { db: Db; arm: (before: () => Promise<void>) => void } {
  let pending: (() => Promise<void>) | null = null;
  const intercepted = Object.create(db) as Db;
  intercepted.query = (async (sql: string, ...rest: unknown[]) => {
    const before = sql.includes(marker) ? pending : null;
    if (before) {
      pending = null;
      await before();
    }
    return (db.query as (...args: unknown[]) => unknown)(sql, ...rest);
  }) as Db['query'];
  return { db: intercepted, arm: (before) => (pending = before) };
}

async function insertJob(db: Db, user: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into jobs (type, status, user_id, user_name) values ('quick', 'running', $1::text, $1::text) returning id`,
    [user],
  );
  return rows[0]!.id;
}

const finish = (db: Db, id: string) =>
  db.query(`update jobs set status = 'succeeded', ended_at = now() where id = $1::bigint`, [id]);

for (const kind of dbKinds) {
  describe(`live event delivery (${kind})`, () => {
    let db: Db;
    const worlds: LiveWorld[] = [];
    const streams: TestStream[] = [];
    const open = async (world: LiveWorld, url: string) => {
      const stream = await TestStream.open(world.fetch, url, bearer('alice'));
      streams.push(stream);
      return stream;
    };

    before(async () => {
      db = await openTestDb(kind);
    });
    after(async () => {
      for (const stream of streams) stream.close();
      for (const world of worlds) await world.close();
      await db.close();
    });

    test('a read whose hand-out failed (a database blip) is handed out again, in order', async () => {
      const notifications = interceptedDb(db, 'from notifications n');
      const world = await liveWorld(notifications.db, jobTypes, { heartbeatMs: 60_000 });
      worlds.push(world);
      const stream = await open(world, '/api/events');
      const id = await insertJob(db, 'alice');
      await world.live.flush();
      notifications.arm(async () => {
        throw new Error('Connection terminated unexpectedly');
      });
      await finish(db, id);
      await world.live.flush().catch(() => {});
      await world.live.flush();
      await stream.until((s) => s.trail(id).includes('notification.created'));
      assert.deepEqual(stream.trail(id), ['job.created:running', 'job.finished:succeeded', 'notification.created']);
    });

    test("resuming on a server whose feed is behind the client's sends nothing the client already has", async () => {
      const ahead = await liveWorld(db, jobTypes, { heartbeatMs: 60_000 });
      const latest = interceptedDb(db, 'order by id desc limit 1');
      // This server's feed reads only when asked.
      const behind = await liveWorld(latest.db, jobTypes, {
        heartbeatMs: 60_000,
        feed: { pollMs: 60_000, idlePollMs: 60_000 },
      });
      worlds.push(ahead, behind);
      const first = await open(ahead, '/api/events');
      const id = await insertJob(db, 'alice');
      await finish(db, id);
      await ahead.live.flush();
      await first.until((s) => s.trail(id).includes('notification.created'));
      const lastSeen = first.events.at(-1)!.id;
      // While it checks that ID, its feed catches up and hands out the events the client already has.
      latest.arm(() => behind.live.flush());
      const resumed = await open(behind, `/api/events?lastEventId=${lastSeen}`);
      const next = await insertJob(db, 'alice');
      await behind.live.flush();
      await resumed.until((s) => s.trail(next).includes('job.created:running'));
      assert.deepEqual(
        resumed.events.map((event) => event.data.type),
        ['job.created'],
      );
    });

    test('a client resuming from a batch past 999 that this server has not read yet is not told to reset', async () => {
      // This server's feed reads only when asked.
      const behind = await liveWorld(db, jobTypes, {
        heartbeatMs: 60_000,
        feed: { pollMs: 60_000, idlePollMs: 60_000 },
      });
      worlds.push(behind);
      // Event IDs that cross from 999… to 1000…: as text, the older sorts last.
      await db.query(`alter table job_events alter column id restart with 998`);
      for (const user of ['alice', 'alice', 'alice']) await insertJob(db, user);
      const { rows } = await db.query<{ id: string }>(
        `select (id * ${eventIdStride} + size)::text as id from job_events where id = (select max(id) from job_events)`,
      );
      assert.ok(BigInt(rows[0]!.id) >= 1000n * eventIdStride);
      const resumed = await open(behind, `/api/events?lastEventId=${rows[0]!.id}`);
      const next = await insertJob(db, 'alice');
      await behind.live.flush();
      await resumed.until((s) => s.trail(next).includes('job.created:running'));
      assert.deepEqual(
        resumed.events.map((event) => event.data.type),
        ['job.created'],
      );
    });

    test('events pruned while a resuming client is checked against the replay window give a reset, not a gap', async () => {
      const range = interceptedDb(db, '+ u.position > $3');
      const world = await liveWorld(range.db, jobTypes, { heartbeatMs: 60_000 });
      worlds.push(world);
      const first = await open(world, '/api/events');
      const ids = [await insertJob(db, 'alice'), await insertJob(db, 'alice'), await insertJob(db, 'alice')];
      await world.live.flush();
      await first.until((s) => s.events.length === 3);
      // The client has the first job's event; the others' batches are pruned just before the replay reads them.
      range.arm(async () => {
        await pruneEvents(db, 0, 1);
      });
      const resumed = await open(world, `/api/events?lastEventId=${first.events[0]!.id}`);
      const next = await insertJob(db, 'alice');
      await world.live.flush();
      await resumed.until((s) => s.trail(next).includes('job.created:running'));
      assert.deepEqual(
        resumed.events.map((event) => event.data.type),
        ['reset', 'job.created'],
        `the replay sent ${JSON.stringify(resumed.events.map((event) => event.data.jobId ?? event.data.job?.id))} of ${ids}`,
      );
    });

    test('a client holding the newest event is not reset after everything older was pruned', async () => {
      const world = await liveWorld(db, jobTypes, { heartbeatMs: 60_000 });
      worlds.push(world);
      const first = await open(world, '/api/events');
      const id = await insertJob(db, 'alice');
      await finish(db, id);
      await world.live.flush();
      await first.until((s) => s.trail(id).includes('notification.created'));
      await pruneEvents(db, 0, 1_000_000);
      const resumed = await open(world, `/api/events?lastEventId=${first.events.at(-1)!.id}`);
      const next = await insertJob(db, 'alice');
      await world.live.flush();
      await resumed.until((s) => s.trail(next).includes('job.created:running'));
      assert.deepEqual(
        resumed.events.map((event) => event.data.type),
        ['job.created'],
      );
    });
  });
}
