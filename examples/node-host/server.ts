/**
 * A Node host that serves the reference server's API under /api next to a route of its own, with one job type of
 * its own. Copy it, then put your sign-in in place of the placeholder and your job types in place of word-count.
 *
 * `createApp()` only answers requests. This file also opens and migrates the store, and runs what answers nothing
 * on its own: the worker (without it, jobs stay queued for ever), the live stream (without it, GET /api/events and
 * POST /api/events/token answer 404 and the elements fall back to polling), the purge of finished jobs and,
 * given SMTP_URL, the confirmation mails. Then it stops them in order.
 *
 *   node --import tsx examples/node-host/server.ts
 *   PORT (default 3000), DATABASE_URL (postgres://…) or DATA_DIR (PGlite's folder), SMTP_URL
 */
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../../server/app.js';
import type { Principal } from '../../server/auth/types.js';
import { migrate, openDb } from '../../server/db/index.js';
import { startLive } from '../../server/events/live.js';
import { startMailSender } from '../../server/mail/sender.js';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { startWorker } from '../../server/queue/worker.js';
import { Retention, startPurge } from '../../server/store/retention.js';

/** A placeholder sign-in: one fixed token for one user. Anyone who reads this file has it. */
export const placeholderToken = 'node-host-example-token';

/** Who is calling, or null for a 401. Yours reads the session your sign-in set, and the user's permissions. */
async function signedIn(request: Request): Promise<Principal | null> {
  if (request.headers.get('authorization') !== `Bearer ${placeholderToken}`) return null;
  return { id: 'ada', name: 'Ada', email: null, locale: 'en', permissions: ['jobs:read:own'] };
}

type WordCountParams = { text: string; minLength: number };

/** Counts the words of a text line by line. */
const wordCount: JobTypeDefinition = {
  type: 'word-count',
  label: { en: 'Word count', fr: 'Comptage de mots' },
  category: { en: ['Text'], fr: ['Texte'] },
  // Checked at launch and on every requeue: params that do not fit answer 422 and queue nothing.
  paramsSchema: {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      text: { type: 'string', title: 'Text', minLength: 1, maxLength: 100_000 },
      minLength: { type: 'integer', title: 'Shortest word counted', minimum: 1, maximum: 20, default: 1 },
    },
  },
  interruptible: true,
  requeueable: true,
  async handler(job) {
    // Safe: the params passed paramsSchema before the job was queued, with its defaults filled in.
    const { text, minLength } = job.params as WordCountParams;
    const lines = text.split('\n');
    await job.step('count', 'Count the words');
    for (const [index, line] of lines.entries()) {
      // Interrupted: stop now, the job reads `interrupted`. A stopping worker aborts it too, and requeues it.
      job.signal.throwIfAborted();
      if (line.trim() === '') await job.warn(`Line ${index + 1} is blank`, { line: index + 1 });
      job.count('lines');
      job.count('words', line.split(/\s+/).filter((word) => word.length >= minLength).length);
      job.progress(index + 1, lines.length, `Line ${index + 1} of ${lines.length}`);
      // The interrupt, like every request, arrives through the event loop: a loop that never yields never sees it.
      if (index % 1_000 === 999) await yieldToEventLoop();
    }
  },
};

export interface NodeHostOptions {
  /** 0 picks a free one. */
  port: number;
  /** A PostgreSQL server (postgres://…); embedded PGlite when unset. */
  databaseUrl?: string;
  /** PGlite's folder; in memory when unset. PGlite serves one process: the API and the worker both run here. */
  dataDir?: string;
  /** smtp://… for the confirmation mails; none are sent when unset. */
  smtpUrl?: string;
}

/** How long finished jobs are kept; createApp shows it on the report (`keptUntil`), the purge acts on it. */
const keepFinishedJobsMs = 30 * 24 * 3_600_000;
/** What running jobs, a mail being sent and requests in flight get to finish at shutdown. */
const graceMs = 10_000;

export async function startNodeHost(options: NodeHostOptions): Promise<{ url: string; close(): Promise<void> }> {
  const db = await openDb(options.databaseUrl ? { url: options.databaseUrl } : { dataDir: options.dataDir });
  await migrate(db);
  const jobTypes = [wordCount];
  const worker = startWorker({ db, jobTypes });
  // Several processes: give each the same `streamTokenSecret`, so a stream token from one opens a stream on another.
  const live = await startLive({ db, jobTypes });
  const purge = startPurge({ db, retention: new Retention(jobTypes, keepFinishedJobsMs) });
  const api = createApp({ db, auth: signedIn, jobTypes, live, keepFinishedJobsMs });

  const app = new Hono();
  // The host's own route: a health check that the job store answers.
  app.get('/health', async (c) => {
    await db.query('select 1');
    return c.json({ ok: true });
  });
  // `c.env` carries Node's request and response: the live stream writes to the response directly.
  app.all('/api/*', (c) => api.fetch(c.req.raw, c.env));

  // Loopback only: the placeholder token is public. Listen wider once your own sign-in is in place.
  const server = await new Promise<ServerType>((listening, failed) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: '127.0.0.1' }, () => listening(started));
    started.once('error', failed);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The mails link to `${publicUrl}/jobs/{id}`: serve a <job-report> there, or pass `reportUrl`.
  const mail = options.smtpUrl
    ? await startMailSender({ db, jobTypes, smtp: options.smtpUrl, from: 'Jobs <no-reply@localhost>', publicUrl: url })
    : null;

  return {
    url,
    async close() {
      // All at once, as server/main.ts does: running jobs, a mail being sent and requests in flight share the grace.
      await Promise.all([
        worker.stop({ graceMs }),
        mail?.stop(graceMs),
        purge.stop(),
        // Open streams first: the HTTP server waits for every connection to end before it closes.
        live.close().then(() => new Promise((closed) => server.close(closed))),
      ]);
      // Last: the worker writes its jobs' ends on the way out.
      await db.close();
    },
  };
}

async function main(): Promise<void> {
  const host = await startNodeHost({
    port: Number(process.env.PORT || 3000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || join(tmpdir(), 'job-tracker-node-host'),
    smtpUrl: process.env.SMTP_URL || undefined,
  });
  console.log(`${host.url}/health, and the API at ${host.url}/api (Authorization: Bearer ${placeholderToken})`);
  // `once`: a second signal ends the process at once; the jobs still running are recovered after their lease. A
  // failed close is an unhandled rejection: Node prints it and exits with 1.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      await host.close();
      process.exit(0);
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
