/**
 * One server process of `events-processes.test.ts`: the API with the live routes on a shared PostgreSQL schema
 * (already migrated), served by @hono/node-server (so the stream goes through the Node response path), with a
 * worker for one job type. Prints `{"url": …}` once listening; exits on SIGTERM.
 *
 * Env: DATABASE_URL, SCHEMA, JOB_TYPE (the type this process runs).
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { openDb } from '../../server/db/index.js';
import { startWorker } from '../../server/queue/worker.js';
import { jobType, liveWorld } from './events-support.js';

const db = await openDb({ url: process.env.DATABASE_URL!, schema: process.env.SCHEMA! });
const jobTypes = ['quick-a', 'quick-b'].map((type) => jobType(type, async () => {}));
const world = await liveWorld(db, jobTypes);
const ownType = jobTypes.filter((definition) => definition.type === process.env.JOB_TYPE);
const worker = startWorker({ db, jobTypes: ownType, workerId: `worker-${process.env.JOB_TYPE}` });
const server = serve({ fetch: world.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}` })}\n`);
});

process.once('SIGTERM', async () => {
  (server as Server).closeAllConnections();
  server.close();
  await worker.stop({ graceMs: 1000 });
  await world.close();
  await db.close();
  process.exit(0);
});
