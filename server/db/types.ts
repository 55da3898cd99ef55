/**
 * The one query interface the server uses, served by embedded PGlite or by a PostgreSQL server (`pg`).
 * Every query function in `server/` takes a `Db` (or a `Queryable` inside a transaction) as its first argument.
 */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted by the statement. */
  affectedRows: number;
}

export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name and reuses it (PostgreSQL and PGlite alike).
   * For the queue's hot path and the overview's page, whose planning costs as much as their execution; the SQL
   * must not vary.
   */
  name?: string;
  /**
   * Lets the statement run past the PostgreSQL server's `queryTimeoutMs` (see `openDb`): for migrations, which may
   * take minutes, or wait that long for another process's. PGlite has no connection to stall and no such limit.
   */
  noTimeout?: boolean;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
}

export interface Db extends Queryable {
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `onMessage` for every NOTIFY on `channel` (from any process on the same database); resolves to an unsubscribe. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * The key of a session advisory lock (`pg_advisory_lock`) that the connection carrying this Db's LISTENs holds
   * while it is connected: free again the moment this process's hold on the database ends, a crash included. Null
   * when not connected, and for embedded PGlite, which lives and dies with this process anyway.
   */
  livenessKey(): string | null;
  /** The schema every query runs in (each test file gets its own). */
  readonly schema: string;
  /** `pglite` (embedded, one process) or `postgres` (a server shared by several processes). */
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}
