/**
 * The reference server as a process: reads the environment, opens storage (embedded PGlite in DATA_DIR, or
 * PostgreSQL at DATABASE_URL), migrates, starts a worker and serves the API. `npm start` runs the demo, which
 * reuses `startServer()` with its own page.
 *
 *   PORT                default 3000
 *   HOST                the address to listen on, e.g. 127.0.0.1; every interface when unset (the demo: 127.0.0.1)
 *   DATABASE_URL        postgres://…; embedded PGlite when unset
 *   DATABASE_SCHEMA     the schema that holds the tables, default job_tracker (several deployments, one database)
 *   DATA_DIR            PGlite's folder, default .data
 *   USERS_FILE          users and tokens (JSON), default server/config/users.json
 *   WORKER_CONCURRENCY  handlers at once in this process; 0 serves the API without a worker
 *   LAUNCHES_PER_MINUTE new jobs per user and minute in this process (429 beyond), default 120; 0: no limit
 *   KEEP_FINISHED_DAYS  days a finished job is kept, with its messages and files, before it is purged (its type may
 *                       say otherwise); default 30; `forever` purges nothing
 *   STREAM_TOKEN_SECRET signs live-stream tokens; set the same value on every host (random per process otherwise)
 *   SMTP_URL            smtp://… for confirmation mails; none are sent when unset
 *   MAIL_FROM           the mails' sender, default "Job tracker <no-reply@localhost>"
 *   PUBLIC_URL          the address users open, for links in mails; default http://HOST:PORT (localhost when HOST
 *                       is unset or loopback)
 *   REPORT_URL          a job's report page, for links in mails, with {id} for the job's ID, e.g.
 *                       https://app.example/jobs/{id}; default PUBLIC_URL/jobs/{id}, the demo's report page
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { defaultUsersFile, loadUsers, staticDirectory, tokenAuth } from './auth/tokens.js';
import { isSchemaName, migrate, openDb } from './db/index.js';
import { isTransientDbError } from './db/transient.js';
import { startLive } from './events/live.js';
import type { AppEnv } from './http/env.js';
import { demoJobTypes } from './jobs/index.js';
import { startMailSender } from './mail/sender.js';
import { startWorker, type Worker } from './queue/worker.js';
import { Retention, startPurge } from './store/retention.js';

export interface ServerConfig {
  port: number;
  /** Null: every interface. */
  host: string | null;
  databaseUrl: string | null;
  /** Null: `job_tracker`. */
  schema: string | null;
  dataDir: string;
  usersFile: string | URL;
  /** Null: the worker's default. 0: no worker in this process. */
  workerConcurrency: number | null;
  /** New jobs per user and minute in this process; 0: no limit. */
  launchesPerMinute: number;
  /** Null: for ever. */
  keepFinishedJobsMs: number | null;
  streamTokenSecret: string | null;
  smtpUrl: string | null;
  mailFrom: string;
  publicUrl: string | null;
  /** A job's report page with `{id}` for its ID; null: `publicUrl` + `/jobs/{id}`. */
  reportUrl: string | null;
  /** What running jobs, a mail being sent and requests in flight get to finish at shutdown; default 10 s. */
  shutdownGraceMs?: number;
}

export class ConfigError extends Error {}

/** What running jobs, a mail being sent and requests in flight get to finish when the server stops. */
const shutdownGraceMs = 10_000;
/**
 * The grace period, then the worker's retries of its last writes (up to its 30 s lease) and some: past this, the
 * shutdown is stuck (the database stopped answering) and the process exits.
 */
const stopDeadlineMs = 60_000;

const day = 24 * 3_600_000;

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms).unref());

function reportUrlFrom(template: string): (jobId: string) => string {
  return (jobId) => template.replaceAll('{id}', encodeURIComponent(jobId));
}

/** What stops the server from starting that its operator can fix: the database, the users file, the port. */
export class StartupError extends Error {}

/** The URL with its password masked, to name the database in a message without leaking it into logs. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** `open()`, its failure told as "what: why", with a hint when the database could not be reached at all. */
export async function opened<T>(what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    // PGlite rejects some failures with a plain object, which String() shows as "[object Object]".
    const { message } = (error ?? {}) as { message?: unknown };
    const why = typeof message === 'string' ? message : (JSON.stringify(error) ?? String(error));
    const hint = isTransientDbError(error) ? ' Is PostgreSQL running there, and accepting connections?' : '';
    throw new StartupError(`${what}: ${why}.${hint}`, { cause: error });
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  // Digits only: Number() also reads "1e3", "0x0C1D" and " 3101 ".
  const value = /^-?\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

/** The URL in `name`, or null when unset; refused unless it parses with one of `schemes`. Never echoed: it may hold a password. */
function url(env: NodeJS.ProcessEnv, name: string, schemes: string[], unsetHint: string): string | null {
  const raw = env[name] || null;
  if (raw === null) return null;
  let scheme: string | null = null;
  try {
    scheme = new URL(raw).protocol.replace(/:$/, '');
  } catch {
    throw new ConfigError(`${name} is not a valid URL (${unsetHint}).`);
  }
  if (!schemes.includes(scheme)) {
    throw new ConfigError(`${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')} (${unsetHint}).`);
  }
  return raw;
}

function schemaName(env: NodeJS.ProcessEnv): string | null {
  const raw = env.DATABASE_SCHEMA || null;
  if (raw !== null && !isSchemaName(raw)) {
    throw new ConfigError(
      `DATABASE_SCHEMA must be a lower-case name of letters, digits and _ (at most 63, not starting with a digit), not "${raw}".`,
    );
  }
  return raw;
}

function keepFinishedJobsMs(env: NodeJS.ProcessEnv): number | null {
  const raw = env.KEEP_FINISHED_DAYS;
  if (raw === 'forever') return null;
  if (raw === undefined || raw === '') return 30 * day;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 36_500) {
    throw new ConfigError(`KEEP_FINISHED_DAYS must be a number of days from 1 to 36500, or forever; not "${raw}".`);
  }
  return Number(raw) * day;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql'], 'leave it unset for embedded storage');
  return {
    port: integer(env, 'PORT', 0, 65_535) ?? 3000,
    host: env.HOST?.trim() || null,
    databaseUrl,
    schema: schemaName(env),
    dataDir: resolve(env.DATA_DIR || '.data'),
    usersFile: env.USERS_FILE ? resolve(env.USERS_FILE) : defaultUsersFile,
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 0, 10_000),
    launchesPerMinute: integer(env, 'LAUNCHES_PER_MINUTE', 0, 1_000_000) ?? 120,
    keepFinishedJobsMs: keepFinishedJobsMs(env),
    streamTokenSecret: env.STREAM_TOKEN_SECRET || null,
    smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps'], 'leave it unset to send no mail'),
    mailFrom: env.MAIL_FROM || 'Job tracker <no-reply@localhost>',
    publicUrl: url(env, 'PUBLIC_URL', ['http', 'https'], 'the address users open, for links in mails'),
    reportUrl: reportUrlTemplate(env),
  };
}

function reportUrlTemplate(env: NodeJS.ProcessEnv): string | null {
  const hint = "a job's report page, with {id} for its ID";
  const template = url(env, 'REPORT_URL', ['http', 'https'], hint);
  if (template !== null && !template.includes('{id}')) {
    throw new ConfigError(`REPORT_URL must hold {id}, where the job's ID goes (${hint}).`);
  }
  return template;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether only this machine can reach a server listening on `host` (null: every interface). */
export function isLoopback(host: string | null): boolean {
  return host !== null && loopbackHosts.has(host.toLowerCase());
}

/**
 * The host of the address to print: `localhost` wherever this machine reaches the server by that name (the demo's
 * session cookie and the examples page rely on one name), the host itself otherwise.
 */
function shownHost(host: string | null): string {
  if (host === null || isLoopback(host) || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Opens storage, migrates, starts the worker and listens. `decorate` adds routes (the demo's page). */
export async function startServer(
  config: ServerConfig,
  decorate?: (app: Hono<AppEnv>) => void,
): Promise<RunningServer> {
  const users = await opened(`cannot read the users file ${config.usersFile}`, () => loadUsers(config.usersFile));
  const db = await opened(
    config.databaseUrl
      ? `cannot open the database at ${shownUrl(config.databaseUrl)} (DATABASE_URL)`
      : `cannot open the embedded database in ${config.dataDir} (DATA_DIR)`,
    () =>
      openDb({
        ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }),
        ...(config.schema ? { schema: config.schema } : {}),
      }),
  );
  try {
    await opened('cannot bring the database schema up to date', () => migrate(db));
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  const jobTypes = demoJobTypes(db);
  const worker: Worker | null =
    config.workerConcurrency === 0
      ? null
      : startWorker({ db, jobTypes, ...(config.workerConcurrency ? { concurrency: config.workerConcurrency } : {}) });
  const live = await startLive({ db, jobTypes, streamTokenSecret: config.streamTokenSecret ?? undefined });
  const retention = new Retention(jobTypes, config.keepFinishedJobsMs);
  const app = createApp({
    db,
    auth: tokenAuth(users),
    jobTypes,
    users: staticDirectory(users),
    live,
    launchesPerMinute: config.launchesPerMinute || null,
    keepFinishedJobsMs: config.keepFinishedJobsMs,
  });
  decorate?.(app);
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolveServer, rejectServer) => {
      const listening = serve({ fetch: app.fetch, port: config.port, hostname: config.host ?? undefined }, () =>
        resolveServer(listening),
      );
      listening.once('error', rejectServer);
    });
  } catch (error) {
    await live.close();
    await worker?.stop();
    await db.close();
    const inUse = (error as { code?: string }).code === 'EADDRINUSE';
    throw new StartupError(
      inUse
        ? `port ${config.port} is taken by another program; set PORT to a free one (0 picks one).`
        : `cannot listen on ${config.host ?? 'every interface'} port ${config.port} (HOST, PORT): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${shownHost(config.host)}:${port}`;
  const mail = config.smtpUrl
    ? await startMailSender({
        db,
        jobTypes,
        smtp: config.smtpUrl,
        from: config.mailFrom,
        publicUrl: config.publicUrl ?? url,
        ...(config.reportUrl ? { reportUrl: reportUrlFrom(config.reportUrl) } : {}),
      })
    : null;
  const purge = startPurge({ db, retention });
  return {
    url,
    async close() {
      const graceMs = config.shutdownGraceMs ?? shutdownGraceMs;
      // Everything stops at once: the worker stopped claiming only after the mail sender, which a stalled SMTP
      // server held for its whole send timeout. Running jobs, a send in progress and the requests in flight get
      // the same grace period.
      await Promise.all([
        worker?.stop({ graceMs }),
        mail?.stop(graceMs),
        purge.stop(),
        (async () => {
          // Ends the open streams first; otherwise server.close() would wait for them.
          await live.close();
          const closed = new Promise<void>((done) => server.close(() => done()));
          // Then the connections still open are cut (a client sending half a body held the exit for minutes).
          await Promise.race([closed, delay(graceMs)]);
          if ('closeAllConnections' in server) server.closeAllConnections();
          await closed;
        })(),
      ]);
      await db.close();
    },
  };
}

/**
 * Stops cleanly on Ctrl-C or a service manager's SIGTERM: running jobs get the grace period. A second signal, or a
 * shutdown still going after `stopDeadlineMs` (a database that stopped answering), exits at once: jobs still held
 * then are recovered by their lease.
 */
export function stopOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now; jobs still running are recovered after their lease.`);
      process.exit(1);
    }
    stopping = true;
    setTimeout(() => {
      console.error(`Still stopping after ${stopDeadlineMs / 1000} s (is the database answering?); exiting now.`);
      process.exit(1);
    }, stopDeadlineMs).unref();
    console.log(`${signal}: stopping (running jobs get ${shutdownGraceMs / 1000} s to finish; again to exit now)…`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * Says in one line what stopped the start and exits (2: a bad setting, 1: something to fix before starting again);
 * any other error is a bug, and is thrown with its stack.
 */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof StartupError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

async function main(): Promise<void> {
  try {
    const config = readConfig();
    const server = await startServer(config);
    // Before saying it listens: a SIGTERM sent on hearing so must find the graceful stop in place.
    stopOnSignals(server);
    console.log(
      `Job tracker API on ${server.url}/api (${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`})`,
    );
    if (config.usersFile === defaultUsersFile && !isLoopback(config.host)) {
      console.warn(
        'Warning: signing in with the demo users of server/config/users.json, whose tokens are public. Set USERS_FILE ' +
          'before anyone else can reach this server, or HOST=127.0.0.1 to keep it to this machine.',
      );
    }
  } catch (error) {
    exitOnStartupError(error);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
