/**
 * Two server processes on one PostgreSQL schema, each with its own connections, hub and worker: an event
 * produced by either reaches streams opened on the other (through `job_events` + NOTIFY), over real HTTP.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../server/db/types.js';
import { contractChecked } from '../support/contract.js';
import { openTestDb, testDatabaseUrl } from '../support/db.js';
import { bearer, TestStream } from './events-support.js';

const fixture = fileURLToPath(new URL('./events-server.fixture.ts', import.meta.url));
const checkedFetch = contractChecked((request) => fetch(request));

let db: Db;
const servers: { child: ChildProcess; url: string }[] = [];
const streams: TestStream[] = [];

async function startServer(jobType: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, DATABASE_URL: testDatabaseUrl, SCHEMA: db.schema, JOB_TYPE: jobType },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`server exited with ${code}`))),
  ])) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

before(async () => {
  db = await openTestDb('postgres');
  servers.push(await startServer('quick-a'), await startServer('quick-b'));
});

after(async () => {
  for (const stream of streams) stream.close();
  for (const { child } of servers) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
  await db.close();
});

test('events produced on either server reach streams on the other', async () => {
  const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
  for (const server of [a, b]) {
    streams.push(await TestStream.open(checkedFetch, `${server.url}/api/events`, bearer('alice')));
    streams.push(await TestStream.open(checkedFetch, `${server.url}/api/events`, bearer('carol')));
  }
  const launch = async (url: string, type: string) => {
    const response = await checkedFetch(`${url}/api/jobs`, {
      method: 'POST',
      headers: { ...bearer('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({ type, params: {} }),
    });
    assert.equal(response.status, 202);
    return ((await response.json()) as { id: string }).id;
  };
  // Launched through one server, run by the other's worker.
  const jobA = await launch(b.url, 'quick-a');
  const jobB = await launch(a.url, 'quick-b');
  // Quick jobs end before their worker marks them running: straight from queued to succeeded.
  const expected = ['job.created:queued', 'job.finished:succeeded'];
  for (const stream of streams) {
    for (const jobId of [jobA, jobB]) await stream.until((s) => s.trail(jobId).includes('job.finished:succeeded'));
  }
  for (const stream of streams) {
    assert.deepEqual(stream.trail(jobA).slice(0, 2), expected);
    assert.deepEqual(stream.trail(jobB).slice(0, 2), expected);
  }
  const hosts = streams[0]!.events.filter((e) => e.event === 'job.finished').map((e) => e.data.job.host);
  assert.deepEqual(hosts.sort(), ['worker-quick-a', 'worker-quick-b']);
  // Both servers number events alike: the same IDs, in the same order.
  const ids = (stream: TestStream) => stream.events.map((e) => e.id);
  assert.deepEqual(ids(streams[0]!), ids(streams[2]!));
});
