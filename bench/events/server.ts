/**
 * The server side of `bench:events`, in its own process (forked with IPC) so the clients' parsing does not share
 * its event loop: the API with the live routes on @hono/node-server, on a PostgreSQL schema the parent migrated.
 * Answers `{ type: 'memory' }` with its memory after a full GC.
 *
 * Env: DATABASE_URL, SCHEMA.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from '../../server/app.js';
import { loadUsers, staticDirectory, tokenAuth } from '../../server/auth/tokens.js';
import { openDb } from '../../server/db/index.js';
import { startLive } from '../../server/events/live.js';

const db = await openDb({ url: process.env.DATABASE_URL!, schema: process.env.SCHEMA! });
const users = await loadUsers();
const auth = tokenAuth(users);
const jobTypes = [
  {
    type: 'bench',
    label: { en: 'Bench', fr: 'Banc' },
    category: { en: ['Bench'], fr: ['Banc'] },
    paramsSchema: { type: 'object' },
    interruptible: true,
    requeueable: true,
    handler: async () => {},
  },
];
const live = await startLive({ db, jobTypes });
// 1,000 clients signed in as three users: far past the per-user cap that protects a real server.
const app = createApp({ db, auth, jobTypes, users: staticDirectory(users), live, maxStreamsPerUser: 2_000 });

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({ type: 'ready', port: info.port });
});

process.on('message', async (message: { type: string }) => {
  if (message.type === 'memory') {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    process.send!({ type: 'memory', usage: process.memoryUsage(), connections: live.connections });
  } else if (message.type === 'stop') {
    (server as Server).closeAllConnections();
    server.close();
    await live.close();
    await db.close();
    process.exit(0);
  }
});
