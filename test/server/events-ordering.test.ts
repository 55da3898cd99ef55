/**
 * The feed never hands out a later batch before an earlier one that is still being written (PostgreSQL: batch
 * IDs are drawn at insert, visible at commit), and skips a batch whose transaction rolled back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { Db } from '../../server/db/types.js';
import { enqueueJob } from '../../server/queue/enqueue.js';
import { openTestDb, testDatabaseUrl } from '../support/db.js';
import { bearer, jobType, type LiveWorld, liveWorld, TestStream } from './events-support.js';

let db: Db;
let world: LiveWorld;
let stream: TestStream;
let other: pg.Client;
let third: pg.Client;
const jobs: string[] = [];

before(async () => {
  db = await openTestDb('postgres');
  // Progress of one job a few milliseconds apart must not be coalesced here: this test counts every event.
  world = await liveWorld(db, [jobType('idle', async () => {})]);
  other = new pg.Client({ connectionString: testDatabaseUrl, options: `-c search_path=${db.schema}` });
  await other.connect();
  third = new pg.Client({ connectionString: testDatabaseUrl, options: `-c search_path=${db.schema}` });
  await third.connect();
  for (let i = 0; i < 2; i++)
    jobs.push((await enqueueJob(db, { type: 'idle', userId: 'alice', userName: 'Alice' })).id);
  stream = await TestStream.open(world.fetch, '/api/events', bearer('alice'));
});

after(async () => {
  stream.close();
  await other.end();
  await third.end();
  await world.close();
  await db.close();
});

const progressOf = (jobId: string) =>
  stream.events.filter((e) => e.event === 'job.progress' && e.data.jobId === jobId).map((e) => e.data.progress.done);
const setProgress = (
  client: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  jobId: string,
  done: number,
) => client.query(`update jobs set progress_done = $2::integer where id = $1::bigint`, [jobId, done]);

test('a batch committed after a later one is still delivered first', async () => {
  const [first, second] = jobs as [string, string];
  await other.query('begin');
  await setProgress(other, first, 1);
  await setProgress(db, second, 1);
  await world.live.flush();
  await world.live.flush();
  assert.deepEqual(progressOf(second), [], 'held back behind the open transaction');
  await other.query('commit');
  await world.live.flush();
  await stream.until(() => progressOf(second).length === 1);
  const order = stream.events.filter((e) => e.event === 'job.progress').map((e) => e.data.jobId);
  assert.deepEqual(order, [first, second]);
});

test('a batch whose transaction rolled back is skipped', async () => {
  const [first, second] = jobs as [string, string];
  await other.query('begin');
  await setProgress(other, first, 2);
  await setProgress(db, second, 2);
  await world.live.flush();
  assert.deepEqual(progressOf(second), [1]);
  await other.query('rollback');
  await stream.until(() => progressOf(second).length === 2);
  assert.deepEqual(progressOf(first), [1]);
  assert.deepEqual(progressOf(second), [1, 2]);
});

test('a batch written by a transaction whose ID is newer than every ended one still waits for it', async () => {
  const [first, second] = jobs as [string, string];
  // `third` takes a transaction ID, then `other` a newer one and draws the earlier batch; `third` draws the later
  // batch and commits. Seen then, the newest ended ID is `third`'s: `other`'s is past the snapshot's xmax, listed
  // nowhere, yet its transaction runs on.
  await third.query('begin');
  await third.query('select pg_current_xact_id()');
  await other.query('begin');
  await setProgress(other, first, 3);
  await setProgress(third, second, 3);
  await third.query('commit');
  for (let i = 0; i < 4; i++) await world.live.flush();
  assert.deepEqual(progressOf(second), [1, 2], 'held back behind the open transaction');
  await other.query('commit');
  await stream.until(() => progressOf(second).length === 3);
  assert.deepEqual(progressOf(first), [1, 3]);
  const order = stream.events.filter((e) => e.event === 'job.progress').map((e) => e.data.jobId);
  assert.deepEqual(order.slice(-2), [first, second]);
});
