/**
 * A world per server test file: a fresh schema, the app over it with the demo users' token auth, a contract-checked
 * `fetch`, and small helpers to insert jobs in a given state (so permission and action tests need no worker).
 */
import type { Hono } from 'hono';
import { type AppOptions, createApp } from '../../server/app.js';
import { loadUsers, staticDirectory, tokenAuth } from '../../server/auth/tokens.js';
import type { Db } from '../../server/db/types.js';
import type { AppEnv } from '../../server/http/env.js';
import type { JobTypeDefinition } from '../../server/queue/types.js';
import { contractChecked } from '../support/contract.js';
import { type DbKind, openTestDb } from '../support/db.js';
import { type DemoUser, demoTokens } from '../support/demoUsers.js';

export type { DemoUser } from '../support/demoUsers.js';

/**
 * A response body as tests read it. It has already passed the contract check, so tests reach into it freely
 * rather than restating the contract's types at every assertion.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Body = any;

export interface Answer<T = Body> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface World {
  db: Db;
  app: Hono<AppEnv>;
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Calls the API as a demo user; every response is checked against openapi.yaml. */
  call<T = Body>(
    user: DemoUser | null,
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; rawBody?: string },
  ): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function openWorld(
  kind: DbKind,
  jobTypes: (db: Db) => JobTypeDefinition[],
  appOptions: Pick<
    AppOptions,
    'maxBodyBytes' | 'countCap' | 'exportCap' | 'launchesPerMinute' | 'keepFinishedJobsMs'
  > = {},
): Promise<World> {
  const db = await openTestDb(kind);
  const users = await loadUsers();
  const app = createApp({
    db,
    auth: tokenAuth(users),
    jobTypes: jobTypes(db),
    users: staticDirectory(users),
    ...appOptions,
  });
  const fetch = contractChecked((request) => app.fetch(request));
  return {
    db,
    app,
    fetch,
    async call(user, method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (user) headers.authorization = `Bearer ${demoTokens[user]}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`http://test/api${path}`, { method, headers, body });
      const text = await response.text();
      const isJson = (response.headers.get('content-type') ?? '').includes('json');
      return { status: response.status, headers: response.headers, text, body: isJson ? JSON.parse(text) : text };
    },
    close: () => db.close(),
  };
}

export interface JobSeed {
  type?: string;
  status?: string;
  user?: DemoUser | string;
  params?: Record<string, unknown>;
  subjects?: string[];
  createdAt?: string;
  errorCode?: string | null;
}

const names: Record<string, string> = { alice: 'Alice Martin', bob: 'Bob Dupont', carol: 'Carol Nguyen' };

/** Inserts a job directly in the state a test needs; returns its ID. */
export async function insertJob(db: Db, seed: JobSeed = {}): Promise<string> {
  const status = seed.status ?? 'succeeded';
  const started = status === 'queued' ? null : 'now()';
  const ended = ['succeeded', 'failed', 'interrupted'].includes(status) ? 'now()' : null;
  const user = seed.user ?? 'alice';
  const { rows } = await db.query<{ id: string }>(
    `
insert into jobs (type, status, user_id, user_name, params, subjects, created_at, started_at, ended_at, host,
  error_code, last_heartbeat_at)
values ($1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::text[], coalesce($7::timestamptz, now()),
  ${started ?? 'null'}, ${ended ?? 'null'}, ${started ? `'test-worker'` : 'null'}, $8::text,
  ${status === 'running' ? 'now()' : 'null'})
returning id`,
    [
      seed.type ?? 'quick',
      status,
      user,
      names[user] ?? user,
      JSON.stringify(seed.params ?? {}),
      seed.subjects ?? [],
      seed.createdAt ?? null,
      seed.errorCode ?? null,
    ],
  );
  return rows[0]!.id;
}

/** Polls the API until `done(job)` holds or the deadline passes: waiting on a real worker, not on a guess. */
export async function waitForJob(
  world: World,
  id: string,
  done: (job: Body) => boolean,
  { user = 'carol' as DemoUser, timeoutMs = 20_000 } = {},
): Promise<Body> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await world.call(user, 'GET', `/jobs/${id}`);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
