/**
 * Embedded PGlite behind the `Db` interface: one connection in this process, with the same row shapes as `pg`.
 */
import { PGlite, parse, protocol, type Results, types } from '@electric-sql/pglite';
import { lockDataDir } from './dataDirLock.js';
import type { Db, Queryable, QueryOptions, QueryResult } from './types.js';

/**
 * PGlite's two locks, which its own `query()` and `transaction()` take: a statement outside a transaction waits for
 * any open transaction to end, then for the statement in progress. Declared by PGlite (BasePGlite) but not part of
 * its documented surface; the version is pinned in package.json, and every PGlite test goes through them.
 */
interface PGliteLocks {
  _runExclusiveTransaction<T>(work: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(work: () => Promise<T>): Promise<T>;
}

export async function openPglite(dataDir: string | undefined, schema: string): Promise<Db> {
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  try {
    return await openLocked(dataDir, schema, unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}

async function openLocked(dataDir: string | undefined, schema: string, unlock: () => Promise<void>): Promise<Db> {
  const stringArray = (value: string) => types.arrayParser(value, (item: string) => item, types.INT8);
  const pglite = await PGlite.create({
    dataDir,
    // Same shapes as `pg`: int8 as string (ids exceed 2^53 in principle), and int8[] as string[].
    parsers: { [types.INT8]: (value: string) => value, 1016: stringArray },
  });
  // One connection, so one `set` covers every later query.
  await pglite.exec(`create schema if not exists ${schema}; set search_path to ${schema};`);
  const locks = pglite as PGlite & PGliteLocks;
  const prepared = new PreparedStatements(pglite);

  /** `transaction`: inside `pglite.transaction()`, which holds the transaction lock for `target`. */
  const wrap = (
    target: Pick<PGlite, 'query' | 'exec'>,
    transaction: boolean,
  ): Queryable & { exec(sql: string): Promise<unknown> } => ({
    async query<Row>(sql: string, params: unknown[] = [], options?: QueryOptions) {
      const name = options?.name;
      let result: Results<Row>;
      if (!name) result = await target.query<Row>(sql, params);
      else if (transaction) result = await locks._runExclusiveQuery(() => prepared.run<Row>(name, sql, params));
      else {
        result = await locks._runExclusiveTransaction(() =>
          locks._runExclusiveQuery(() => prepared.run<Row>(name, sql, params)),
        );
        // As PGlite's own query() does outside a transaction (a no-op for a data folder in Node).
        await pglite.syncToFs();
      }
      await nextTurn();
      return { rows: result.rows, affectedRows: result.affectedRows ?? 0 } satisfies QueryResult<Row>;
    },
    exec: (sql: string) => target.exec(sql),
  });
  const base = wrap(pglite, false);
  return {
    kind: 'pglite',
    schema,
    query: base.query,
    exec: base.exec,
    // PGlite queues other callers' queries behind an open transaction, so concurrent work serialises correctly.
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx, true))),
    async listen(channel, onMessage) {
      return pglite.listen(channel, onMessage);
    },
    livenessKey: () => null,
    async close() {
      await pglite.close();
      await unlock();
    },
  } as Db;
}

/**
 * PGlite runs a statement in this thread and answers with a promise already settled, so a caller looping over
 * statements ran in one turn of the event loop: no timer fired and no request was read until it stopped (an import of
 * 30,000 bad rows, writing its warnings 500 at a time, held every other request of the server for 1.4 s). Each caller
 * resumes in a later turn instead.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Named statements, prepared once and then only bound and executed, as `pg` does for a PostgreSQL server. PGlite's
 * `query()` parses and plans every statement afresh: for the jobs overview's page that was 0.4 ms of its 0.9 ms,
 * and `select 1` took 0.19 ms against 0.06 ms (bench:queue, docs/benchmarks.md). Parameters are serialised by the
 * types the statement declares, as `query()` does. The caller holds PGlite's query lock.
 */
class PreparedStatements {
  private readonly statements = new Map<string, { sql: string; paramTypes: number[] }>();

  constructor(private readonly pglite: PGlite) {}

  async run<Row>(name: string, sql: string, params: unknown[]): Promise<Results<Row>> {
    await this.pglite._checkReady();
    const { serialize } = protocol;
    let statement = this.statements.get(name);
    if (statement && statement.sql !== sql) {
      throw new Error(`The prepared statement ${name} was already used for another SQL text.`);
    }
    if (!statement) {
      const { messages } = await this.pglite.execProtocol(
        concat([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]),
        { syncToFs: false },
      );
      statement = { sql, paramTypes: parse.parseDescribeStatementResults(messages) };
      this.statements.set(name, statement);
    }
    const { paramTypes } = statement;
    const values = params.map((value, index) => {
      if (value === null || value === undefined) return null;
      const serializer = this.pglite.serializers[paramTypes[index] as number];
      return serializer ? serializer(value) : String(value);
    });
    const { messages } = await this.pglite.execProtocol(
      concat([
        serialize.bind({ statement: name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    return parse.parseResults(messages, this.pglite.parsers)[0] as Results<Row>;
  }
}

function concat(messages: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(messages.reduce((length, message) => length + message.length, 0));
  let offset = 0;
  for (const message of messages) {
    all.set(message, offset);
    offset += message.length;
  }
  return all;
}
