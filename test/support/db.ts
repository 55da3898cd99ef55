/**
 * A fresh, migrated schema per test file, on embedded PGlite and on the PostgreSQL server.
 * `close()` drops the schema (PostgreSQL) or discards the in-memory database (PGlite).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDb } from '../../server/db/index.js';
import type { Db } from '../../server/db/types.js';

export type DbKind = 'pglite' | 'postgres';

export const dbKinds: readonly DbKind[] = ['pglite', 'postgres'];

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function randomSchemaName(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

/** `migrateUpTo`: the schema as it was after that migration, for an upgrade test (default: every migration). */
export async function openTestDb(
  kind: DbKind,
  options: { maxConnections?: number; migrateUpTo?: string } = {},
): Promise<Db> {
  const schema = randomSchemaName();
  if (kind === 'pglite') {
    const db = await openDb({ schema });
    await migrate(db, { upTo: options.migrateUpTo });
    return db;
  }
  const db = await openDb({ url: testDatabaseUrl, schema, maxConnections: options.maxConnections });
  const close = db.close.bind(db);
  try {
    await migrate(db, { upTo: options.migrateUpTo });
  } catch (error) {
    // A broken migration must not leave a schema behind for every test file that tried.
    await close();
    await dropSchema(schema);
    throw error;
  }
  return {
    ...db,
    async close() {
      await close();
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
