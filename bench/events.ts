/**
 * `npm run bench:events`: the live stream on PostgreSQL (docs/benchmarks.md, "Live events").
 *
 * 1. Fan-out latency: a real server (@hono/node-server, its own process) with N idle SSE clients on loopback (this
 *    process); each round updates a job's progress in the database (autocommit, from this process) and times
 *    until each client has the event. Also the server's memory per idle client (after GC).
 * 2. Capture cost: enqueue + drain throughput of the queue with the event capture off and on (bench/events/capture.ts).
 *
 * Options: --clients 1000 --rounds 40 --jobs 20000 --capture-rounds 3 --skip-capture.
 * PostgreSQL from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); fresh schemas, dropped after.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate, openDb } from '../server/db/index.js';
import type { Db } from '../server/db/types.js';
import { enqueueJob } from '../server/queue/enqueue.js';
import { captureShare, captureThroughput, captureVariants } from './events/capture.js';
import { median, percentile } from './queue/stats.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '40' },
    jobs: { type: 'string', default: '20000' },
    'capture-rounds': { type: 'string', default: '3' },
    'skip-capture': { type: 'boolean', default: false },
  },
});
const clientCount = Number(args.clients);
const rounds = Number(args.rounds);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const format = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function withSchema<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const db = await openDb({ url, schema });
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

function request<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (answer: { type: string } & T) => {
      if (answer.type !== reply) return;
      child.off('message', onMessage);
      resolve(answer);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** An SSE client that reports when a `job.progress` frame with `"done":N` arrives. */
function openClient(port: number, token: string, onProgress: (done: number) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/api/events', headers: { authorization: `Bearer ${token}` }, agent: false },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (text: string) => {
          buffer += text;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.includes('event: job.progress')) {
              const done = /"done":(\d+)/.exec(frame);
              if (done) onProgress(Number(done[1]));
            }
            end = buffer.indexOf('\n\n');
          }
        });
        resolve(req);
      },
    );
    req.on('error', reject);
  });
}

async function fanOut(): Promise<void> {
  await withSchema(async (db) => {
    const child = fork(fileURLToPath(new URL('./events/server.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: { ...process.env, DATABASE_URL: url, SCHEMA: db.schema },
    });
    try {
      const { port } = await request<{ port: number }>(child, {}, 'ready');
      const job = await enqueueJob(db, { type: 'bench', userId: 'alice', userName: 'Alice Martin' });
      await db.query(`update jobs set status = 'running', started_at = now(), host = 'bench' where id = $1::bigint`, [
        job.id,
      ]);
      type Memory = { usage: NodeJS.MemoryUsage; connections: number };
      const idleBefore = await request<Memory>(child, { type: 'memory' }, 'memory');

      let round = 0;
      let roundStart = 0;
      let received = 0;
      let roundDone: () => void = () => {};
      const samples: number[] = [];
      const lastClient: number[] = [];
      const onProgress = (done: number) => {
        if (done !== round) return;
        samples.push(performance.now() - roundStart);
        if (++received === clientCount) {
          lastClient.push(performance.now() - roundStart);
          roundDone();
        }
      };
      // 80 % as the owner, 20 % as a supervisor: two kinds of viewer, two frames per event.
      const requests: http.ClientRequest[] = [];
      for (let i = 0; i < clientCount; i++) {
        requests.push(await openClient(port, i % 5 === 4 ? 'demo-supervisor-token' : 'demo-user-token', onProgress));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const idleAfter = await request<Memory>(child, { type: 'memory' }, 'memory');

      for (round = 1; round <= rounds; round++) {
        received = 0;
        const all = new Promise<void>((resolve) => {
          roundDone = resolve;
        });
        roundStart = performance.now();
        await db.query(`update jobs set progress_done = $2::integer, updated_at = now() where id = $1::bigint`, [
          job.id,
          round,
        ]);
        await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (received < clientCount) console.log(`  round ${round}: only ${received} of ${clientCount} clients got it`);
        // Past the server's progress coalescing window (200 ms), so every round is a separate event.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      for (const req of requests) req.destroy();

      const perClientRss = (idleAfter.usage.rss - idleBefore.usage.rss) / clientCount;
      const perClientHeap = (idleAfter.usage.heapUsed - idleBefore.usage.heapUsed) / clientCount;
      console.log(`\nfan-out: ${format(clientCount)} SSE clients on loopback, ${rounds} progress updates, PostgreSQL`);
      console.log(
        `  update committed → event at a client: p50 ${format(percentile(samples, 50), 1)} ms,` +
          ` p95 ${format(percentile(samples, 95), 1)} ms, max ${format(Math.max(...samples), 1)} ms` +
          ` (${format(samples.length)} deliveries)`,
      );
      console.log(
        `  until the last client has it: p50 ${format(percentile(lastClient, 50), 1)} ms,` +
          ` p95 ${format(percentile(lastClient, 95), 1)} ms`,
      );
      console.log(
        `  server memory per idle client (after GC): ${format(perClientRss / 1024, 1)} KiB RSS,` +
          ` ${format(perClientHeap / 1024, 1)} KiB heap (${idleAfter.connections} streams open)`,
      );
    } finally {
      if (child.exitCode === null) {
        child.send({ type: 'stop' });
        await once(child, 'exit');
      }
    }
  });
}

async function capture(): Promise<void> {
  const jobs = Number(args.jobs);
  console.log(`\ncapture cost: enqueue ${format(jobs)} no-op jobs in bulk + drain with the default worker, PostgreSQL`);
  const results = await captureThroughput(withSchema, jobs, Number(args['capture-rounds']), (variant, rate) =>
    console.log(`  ${variant}: ${format(rate)} jobs/s`),
  );
  const baseline = median(results.get('no capture')!);
  for (const variant of captureVariants) {
    const rates = results.get(variant)!;
    console.log(
      `  median ${variant}: ${format(median(rates))} jobs/s (${format(median(rates) / baseline, 2)}× no capture;` +
        ` runs ${format(Math.min(...rates))}–${format(Math.max(...rates))})`,
    );
  }
  const share = await withSchema((db) => captureShare(db, jobs));
  for (const [step, figures] of Object.entries(share)) {
    console.log(
      `  EXPLAIN ANALYZE, ${step} of 100 jobs per statement: ${format(figures.totalUs, 1)} µs per job,` +
        ` of which capture triggers ${format(figures.captureUs, 1)} µs (${format((100 * figures.captureUs) / figures.totalUs)} %)`,
    );
  }
}

console.log(`bench:events — ${new Date().toISOString()}, Node ${process.version}`);
await fanOut();
if (!args['skip-capture']) await capture();
