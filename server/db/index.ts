/**
 * Opens the job store: a PostgreSQL server when given a URL, otherwise embedded PGlite (persisted in `dataDir`,
 * in memory without one). Both answer through the same `Db` interface, with bigints as strings (pg's default) so
 * rows look the same whichever backs them.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPglite } from './pglite.js';
import type { Db, Queryable, QueryOptions, QueryResult } from './types.js';

export type { Db, Queryable, QueryOptions, QueryResult } from './types.js';

export interface OpenDbOptions {
  /** `postgres://…`: a PostgreSQL server shared by several processes. */
  url?: string;
  /** Folder where embedded PGlite keeps its data; in memory when omitted. */
  dataDir?: string;
  /** Default `job_tracker`. */
  schema?: string;
  /** Pool size for PostgreSQL; default 10. */
  maxConnections?: number;
  /**
   * How long opening a PostgreSQL connection, or waiting for a free one, may take; default 10 s. Without a limit, a
   * server that accepts connections and never answers (stalled, or behind a stuck proxy) held requests for ever.
   */
  connectTimeoutMs?: number;
  /**
   * How long a PostgreSQL statement may wait for its answer; default 60 s. A connection that stalled under a query
   * (the server or a network device no longer answering, the socket still open) held an API request, a worker's
   * heartbeat or shutdown for ever. The connection is then dropped, and PostgreSQL rolls back what it had not
   * committed. Migrations are exempt: they may take minutes, or wait that long for another process's.
   */
  queryTimeoutMs?: number;
}

export const defaultSchema = 'job_tracker';

/** A schema name written into SQL as it is (`create schema …`, `search_path`): plain lower-case identifiers only. */
export const isSchemaName = (name: string) => /^[a-z_][a-z0-9_]{0,62}$/.test(name);

export async function openDb(options: OpenDbOptions): Promise<Db> {
  const schema = options.schema ?? defaultSchema;
  if (!isSchemaName(schema)) throw new Error(`Invalid schema name: ${schema}`);
  return options.url
    ? openPostgres(
        options.url,
        schema,
        options.maxConnections ?? 10,
        options.connectTimeoutMs ?? 10_000,
        options.queryTimeoutMs ?? 60_000,
      )
    : openPglite(options.dataDir, schema);
}

/**
 * Runs `server/db/migrations/NNN_*.sql` that have not run yet, in order, in one transaction; with `upTo`, only
 * those up to and including that file (an upgrade test sets up the schema as it was). Refuses a database migrated by
 * a newer version of this code, and a migration numbered before one that already ran: migrations are append-only,
 * and one slipped in below would run after its successors on databases that have them, and before them on new ones.
 */
export async function migrate(db: Db, options: { upTo?: string } = {}): Promise<void> {
  const folder = fileURLToPath(new URL('./migrations/', import.meta.url));
  const known = (await readdir(folder)).filter((name) => /^\d{3}_.*\.sql$/.test(name)).sort();
  const files = known.filter((name) => !options.upTo || name <= options.upTo);
  await db.transaction(async (tx) => {
    // Two processes starting at once on one server: the second waits here, then finds the work done.
    if (db.kind === 'postgres')
      await tx.query(`select pg_advisory_xact_lock(hashtext($1::text))`, [`migrate:${db.schema}`], { noTimeout: true });
    await tx.query(`
create table if not exists migrations (
  name   text primary key,
  run_at timestamptz not null default now()
)`);
    const done = new Set((await tx.query<{ name: string }>(`select name from migrations`)).rows.map((row) => row.name));
    const unknown = [...done].filter((name) => !known.includes(name)).sort();
    if (unknown.length > 0) {
      throw new Error(
        `the database was migrated by a newer version of this server (it has ${unknown.join(', ')}); run that version or a later one`,
      );
    }
    const lastDone = [...done].sort().at(-1);
    const slippedIn = files.find((name) => !done.has(name) && lastDone !== undefined && name < lastDone);
    if (slippedIn) {
      throw new Error(
        `migration ${slippedIn} has not run but ${lastDone} has: migrations are append-only, so number it after the last one`,
      );
    }
    for (const name of files) {
      if (done.has(name)) continue;
      await execScript(tx, await readFile(`${folder}${name}`, 'utf8'));
      await tx.query(`insert into migrations (name) values ($1::text)`, [name]);
    }
  });
}

/** Multi-statement SQL (a migration) has no parameters, so it goes through the simple query protocol. */
async function execScript(tx: Queryable, sql: string): Promise<void> {
  const exec = (tx as Queryable & { exec?: (sql: string) => Promise<unknown> }).exec;
  if (exec) await exec(sql);
  else await tx.query(sql, undefined, { noTimeout: true });
}

/** pg's error when `query_timeout` passes; the connection stays busy with the statement that never answered. */
const queryTimeoutMessage = 'Query read timeout';

/**
 * pg reads a statement's `query_timeout || the connection's`, so 0 cannot lift it; the longest a Node timer waits
 * (24.8 days) does.
 */
const noTimeoutMs = 2 ** 31 - 1;

/** Keepalive probes from 10 s of silence on, so the OS notices a peer that is gone without closing the socket. */
const keepAlive = { keepAlive: true, keepAliveInitialDelayMillis: 10_000 };

function statement(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined) {
  const config: pg.QueryConfig & { query_timeout?: number } = { text: sql, values: params, name: options?.name };
  if (options?.noTimeout) config.query_timeout = noTimeoutMs;
  return config;
}

async function openPostgres(
  url: string,
  schema: string,
  max: number,
  connectTimeoutMs: number,
  queryTimeoutMs: number,
): Promise<Db> {
  // search_path travels in the startup packet, so every pooled connection is in the schema at no extra round trip.
  const options = `-c search_path=${schema}`;
  const connectionTimeoutMillis = connectTimeoutMs;
  const query_timeout = queryTimeoutMs;
  const bootstrap = new pg.Client({ connectionString: url, connectionTimeoutMillis, query_timeout });
  await bootstrap.connect();
  try {
    await bootstrap.query(`create schema if not exists ${schema}`);
  } catch (error) {
    // Two processes creating it at the same instant: one wins with a unique violation for the other.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    options,
    max,
    connectionTimeoutMillis,
    query_timeout,
    ...keepAlive,
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const listener = createPgListener(url, options, connectionTimeoutMillis, query_timeout);

  // pg-pool drops a client whose statement failed, so one that timed out is not handed out again.
  const query = async <Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<Row>> => {
    const result = await pool.query(statement(sql, params, options));
    return { rows: result.rows as Row[], affectedRows: result.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    schema,
    query,
    async transaction(work) {
      const client = await pool.connect();
      let timedOut: Error | null = null;
      const send = (config: pg.QueryConfig) =>
        client.query(config).catch((error: unknown) => {
          if (error instanceof Error && error.message === queryTimeoutMessage) timedOut = error;
          throw error;
        });
      const tx: Queryable = {
        async query<Row>(sql: string, params?: unknown[], options?: QueryOptions) {
          const result = await send(statement(sql, params, options));
          return { rows: result.rows as Row[], affectedRows: result.rowCount ?? 0 };
        },
      };
      try {
        await send({ text: 'begin' });
        const result = await work(tx);
        await send({ text: 'commit' });
        client.release();
        return result;
      } catch (error) {
        // A ROLLBACK would wait behind the statement that never answered; the pool destroys the connection instead,
        // and PostgreSQL rolls back when the session ends.
        if (timedOut) {
          client.release(timedOut);
          throw error;
        }
        await client.query('rollback').then(
          () => client.release(),
          (rollbackError: Error) => client.release(rollbackError),
        );
        throw error;
      }
    },
    listen: listener.listen,
    livenessKey: listener.livenessKey,
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * One dedicated connection carries every LISTEN of this Db. If it drops it reconnects and re-subscribes, trying
 * again after a growing pause (1 s doubling to 10 s) for as long as the server stays out of reach. NOTIFYs sent
 * while it was away are lost: listeners poll as well (the worker's safety poll and heartbeat, the live feed).
 */
function createPgListener(url: string, options: string, connectionTimeoutMillis: number, queryTimeoutMs: number) {
  const subscribers = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryPauseMs = 1000;
  /**
   * Fresh and random for each connection: no two sessions on one database share one (advisory locks span every
   * schema), and a reconnection never waits for a lost session the server has not noticed yet to let go of it.
   */
  let livenessKey = '';
  /** LISTEN/UNLISTEN one at a time: a pg client given a query while one runs only queues it (deprecated). */
  let commands: Promise<unknown> = Promise.resolve();
  const command = (target: pg.Client, sql: string) => {
    const done = commands
      .then(() => target.query(sql))
      .catch((error: unknown) => {
        if (error instanceof Error && error.message === queryTimeoutMessage) drop(target);
        throw error;
      });
    commands = done.catch(() => {});
    return done;
  };
  /**
   * A connection whose statement timed out stays busy with it: every later LISTEN would wait behind it, and a
   * worker's shutdown behind its UNLISTEN. Its socket is destroyed (a polite end() would wait on it too).
   */
  const drop = (lost: pg.Client) => {
    if (client === lost) client = null;
    lost.connection.stream.destroy();
    reconnectLater();
  };

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const next = new pg.Client({
        connectionString: url,
        options,
        connectionTimeoutMillis,
        query_timeout: queryTimeoutMs,
        ...keepAlive,
      });
      next.on('notification', (message) => {
        for (const callback of subscribers.get(message.channel) ?? []) callback(message.payload ?? '');
      });
      next.on('error', () => {
        if (client === next) client = null;
        next.end().catch(() => {});
        reconnectLater();
      });
      try {
        await next.connect();
        const key = BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString('hex')}`)).toString();
        await next.query(`select pg_advisory_lock($1::bigint)`, [key]);
        livenessKey = key;
        for (const channel of subscribers.keys()) await next.query(`listen ${quoteIdent(channel)}`);
      } catch (error) {
        drop(next);
        throw error;
      }
      client = next;
      retryPauseMs = 1000;
      return next;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };
  const reconnectLater = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!closed && !client && subscribers.size > 0) connect().catch(() => {});
    }, retryPauseMs);
    retryTimer.unref();
    retryPauseMs = Math.min(retryPauseMs * 2, 10_000);
  };

  return {
    livenessKey: () => (client ? livenessKey : null),
    async listen(channel: string, onMessage: (payload: string) => void) {
      let callbacks = subscribers.get(channel);
      const isNewChannel = !callbacks;
      if (!callbacks) {
        callbacks = new Set();
        subscribers.set(channel, callbacks);
      }
      callbacks.add(onMessage);
      const unsubscribe = async () => {
        callbacks.delete(onMessage);
        if (callbacks.size > 0 || subscribers.get(channel) !== callbacks) return;
        subscribers.delete(channel);
        if (client) await command(client, `unlisten ${quoteIdent(channel)}`).catch(() => {});
      };
      try {
        const connected = client ?? (await connect());
        if (isNewChannel && client === connected) await command(connected, `listen ${quoteIdent(channel)}`);
      } catch (error) {
        // Refused now, so not subscribed at all (a reconnection later would otherwise deliver to it).
        await unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      subscribers.clear();
      const current = client ?? (connecting ? await connecting.catch(() => null) : null);
      client = null;
      await current?.end().catch(() => {});
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
