/**
 * A client that stops reading its stream is dropped once its backlog passes the limit, and the backlog goes with it:
 * on the Node response (the socket is cut) and on a web stream body (the queue is dropped). On PGlite only: what is
 * tested lies between the hub and the client, whatever the database.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import type { Db } from '../../server/db/types.js';
import { openTestDb } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';
import { bearer, jobType, type LiveWorld, liveWorld } from './events-support.js';

let db: Db;
let world: LiveWorld;
let jobId: string;

before(async () => {
  db = await openTestDb('pglite');
  world = await liveWorld(db, [jobType('quick', async () => {})], { heartbeatMs: 60_000 });
  const { rows } = await db.query<{ id: string }>(
    `insert into jobs (type, status, user_id, user_name) values ('quick', 'running', 'alice', 'Alice') returning id`,
  );
  jobId = rows[0]!.id;
});
after(async () => {
  await world.close();
  await db.close();
});

/** Sends progress events of 256 KB each until no stream is open any more (at most 64 MB). */
async function floodUntilDropped(): Promise<void> {
  const message = 'x'.repeat(256 * 1024);
  for (let i = 1; world.live.connections > 0; i++) {
    assert.ok(i <= 256, 'the slow client was never dropped');
    await db.query(`update jobs set progress_done = $2::integer, progress_message = $3::text where id = $1::bigint`, [
      jobId,
      i,
      message,
    ]);
    await world.live.flush();
  }
}

test('on the Node server, a client that stopped reading has its socket cut, not kept with its backlog', async () => {
  const server = serve({ fetch: world.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  const serverSockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => serverSockets.add(socket));
  await new Promise((resolve) => server.once('listening', resolve));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  try {
    client.write(`GET /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${demoTokens.alice}\r\n\r\n`);
    client.pause();
    while (world.live.connections === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await floodUntilDropped();
    const [socket] = serverSockets;
    assert.ok(socket);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(socket.destroyed, true, `the socket still holds ${socket.writableLength} bytes`);
  } finally {
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('on a web stream body, a client that stopped reading loses its queued backlog at once', async () => {
  const response = await world.fetch('http://localhost/api/events', { headers: bearer('alice') });
  assert.equal(response.status, 200);
  await floodUntilDropped();
  const reader = response.body!.getReader();
  await assert.rejects(reader.read(), /too slowly/);
});
