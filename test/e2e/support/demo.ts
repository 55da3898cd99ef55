/**
 * The real demo for end-to-end tests: `startDemo()` on a fresh PGlite folder in a temp dir and a random port,
 * plus SDK clients for the demo users (every response checked against openapi.yaml) to arrange and observe.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Page } from 'puppeteer-core';
import { startDemo } from '../../../demo/app-server.js';
import { createJobsClient, type JobsClient } from '../../../sdk/index.js';
import { checkResponse, contractChecked } from '../../support/contract.js';
import { type DbKind, testDatabaseUrl } from '../../support/db.js';
import { type DemoUser as DemoUserId, demoTokens } from '../../support/demoUsers.js';

export type { DemoUser as DemoUserId } from '../../support/demoUsers.js';
export { demoTokens } from '../../support/demoUsers.js';

export interface TestDemo {
  url: string;
  /** The PostgreSQL database the demo runs on; null on PGlite. */
  databaseUrl: string | null;
  /** A client signed in as a demo user, talking to the demo's API. */
  api(user: DemoUserId): JobsClient;
  close(): Promise<void>;
}

/** Runs SQL on the test server's maintenance connection (creating and dropping the suite's database). */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Storage of its own for each run: a PGlite folder in a temp dir, or a fresh database on the PostgreSQL test
 * server (the server picks its schema itself, so a database is what keeps runs apart).
 */
async function freshStorage(
  kind: DbKind,
): Promise<{ config: { dataDir: string; databaseUrl: string | null }; drop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'job-tracker-e2e-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (kind === 'pglite') return { config: { dataDir, databaseUrl: null }, drop: removeDir };
  const database = `e2e_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${database}`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${database}`;
  return {
    config: { dataDir, databaseUrl: url.href },
    async drop() {
      await admin(`drop database if exists ${database} with (force)`);
      await removeDir();
    },
  };
}

export async function startTestDemo(kind: DbKind = 'pglite'): Promise<TestDemo> {
  const storage = await freshStorage(kind);
  try {
    // An empty env: the suite never picks up a developer's DATABASE_URL or PORT.
    const server = await startDemo({ env: {}, config: { port: 0, ...storage.config }, announce: false });
    return {
      url: server.url,
      databaseUrl: storage.config.databaseUrl,
      api: (user) =>
        createJobsClient({
          baseUrl: `${server.url}/api`,
          fetch: contractChecked((request) => fetch(request)),
          headers: { Authorization: `Bearer ${demoTokens[user]}` },
        }),
      async close() {
        await server.close();
        await storage.drop();
      },
    };
  } catch (error) {
    await storage.drop();
    throw error;
  }
}

/**
 * Checks every API response the page receives against openapi.yaml (the live stream excepted: its events are
 * checked by the server's own tests); violations land in `problems`.
 */
export function checkPageResponses(page: Page, problems: string[]): void {
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/')) return;
    const headers = response.headers();
    if ((headers['content-type'] ?? '').startsWith('text/event-stream')) return;
    const status = response.status();
    const empty = status === 204 || status === 304 || response.request().method() === 'HEAD';
    let body: Uint8Array | null = null;
    try {
      body = empty ? null : await response.buffer();
    } catch {
      // Chromium drops a body once the page navigates away; nothing was shown to the user from it.
      return;
    }
    try {
      await checkResponse(
        response.request().method(),
        url.href,
        new Response(body as BodyInit | null, { status, headers }),
      );
    } catch (error) {
      problems.push(`contract: ${(error as Error).message}`);
    }
  });
}

/** Signs the page's browser in as a demo user the way the app's switcher does (the switcher is tested apart). */
export async function chooseUser(page: Page, user: DemoUserId): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]');
  await page.select('#user-switcher', user);
}
