/**
 * The stream on @hono/node-server's Node response when the database fails while it opens: a problem (503) the
 * contract declares when nothing was sent yet, as on other runtimes; a stream that simply ends, with nothing
 * logged about headers, when part of the replay already went out. On PGlite only: the path tested lies in the
 * route, whatever the database.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import type { Db } from '../../server/db/types.js';
import { contractChecked } from '../support/contract.js';
import { openTestDb } from '../support/db.js';
import { bearer, jobType, type LiveWorld, liveWorld } from './events-support.js';

let base: Db;
let world: LiveWorld;
let server: Server;
let url: string;
/** Once set, how many more of the replay's page reads succeed; those after it fail. */
let replayReadsLeft: number | null = null;

before(async () => {
  base = await openTestDb('pglite');
  const db = Object.create(base) as Db;
  db.query = (async (sql: string, ...rest: unknown[]) => {
    if (replayReadsLeft !== null && sql.includes('+ u.position > $3') && replayReadsLeft-- <= 0) {
      throw new Error('Connection terminated unexpectedly');
    }
    return (base.query as (...args: unknown[]) => unknown)(sql, ...rest);
  }) as Db['query'];
  world = await liveWorld(db, [jobType('quick', async () => {})], { heartbeatMs: 60_000 });
  // One job first (the client resumes after its event), then 1,500 in one statement: a replay of two pages.
  await base.query(`insert into jobs (type, status, user_id, user_name) values ('quick', 'running', 'alice', 'Alice')`);
  await base.query(
    `insert into jobs (type, status, user_id, user_name)
     select 'quick', 'running', 'alice', 'Alice' from generate_series(1, 1500)`,
  );
  await world.live.flush();
  server = serve({ fetch: world.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await world.close();
  await base.close();
});

/** Runs `action` and returns what it logged with console.error. */
async function logged(action: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    await action();
  } finally {
    console.error = original;
  }
  return lines.join('\n');
}

test('the database failing before anything was sent: a 503 problem, not a 200 cut short', async () => {
  replayReadsLeft = 0;
  let response!: Response;
  const log = await logged(async () => {
    response = await contractChecked(fetch)(url, { headers: { ...bearer('alice'), 'last-event-id': '1000001' } });
  });
  replayReadsLeft = null;
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  assert.equal(((await response.json()) as { code: string }).code, 'service_unavailable');
  assert.doesNotMatch(log, /ERR_HTTP_HEADERS_SENT/);
  assert.equal(world.live.connections, 0);
});

test('the database failing after part of the replay went out: the stream ends, and only the cause is logged', async () => {
  replayReadsLeft = 1;
  let text = '';
  const log = await logged(async () => {
    const response = await fetch(url, { headers: { ...bearer('alice'), 'last-event-id': '1000001' } });
    assert.equal(response.status, 200);
    text = await response.text();
    // The route logs the cause once the stream has ended.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  replayReadsLeft = null;
  assert.equal(text.match(/^event: job\.created$/gm)?.length, 1000);
  assert.match(log, /GET \/api\/events: the job store is out of reach: Connection terminated unexpectedly/);
  assert.doesNotMatch(log, /ERR_HTTP_HEADERS_SENT/);
  assert.equal(world.live.connections, 0);
});
