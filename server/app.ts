/**
 * `createApp()`: the reference implementation of `openapi.yaml` as a web-standard Hono app, mounted under `/api`
 * (the contract's server URL). It reads no environment, opens nothing and never listens: a host mounts
 * `app.fetch` in its own server, tests call `app.request()`, and `main.ts` serves it.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { staticDirectory } from './auth/tokens.js';
import type { AuthFunction, UserDirectory } from './auth/types.js';
import type { Db } from './db/types.js';
import type { Live } from './events/live.js';
import type { AppEnv, Services } from './http/env.js';
import { LaunchLimit } from './http/launchLimit.js';
import { errorResponse, ProblemError, problemResponse, unauthenticated } from './http/problem.js';
import { JobTypeRegistry } from './http/registry.js';
import { contractMethods } from './http/validation.js';
import type { JobTypeDefinition } from './queue/types.js';
import { actionRoutes } from './routes/actions.js';
import { mountEvents } from './routes/events.js';
import { jobRoutes } from './routes/job.js';
import { jobListRoutes } from './routes/jobs.js';
import { jobTypeRoutes } from './routes/jobTypes.js';
import { launchRoutes } from './routes/launch.js';
import { mountNotifications } from './routes/notifications.js';
import { sessionRoutes } from './routes/session.js';
import { Retention } from './store/retention.js';

export interface AppOptions {
  db: Db;
  /** Who is calling; null answers 401. See server/auth/tokens.ts for the config-file default. */
  auth: AuthFunction;
  jobTypes: readonly JobTypeDefinition[];
  /** The users offered by the user filter (`GET /users`); none by default. */
  users?: UserDirectory;
  /**
   * Largest request body accepted, in bytes. Default 4 MiB: a job type's file param is limited in characters (the
   * demo import's to 900,000), and in UTF-8 that many can take 3.6 MB; at 1 MiB a file the schema allowed was refused.
   */
  maxBodyBytes?: number;
  /** Totals and facet counts stop here and say `exact: false` (default 10,000). */
  countCap?: number;
  /** Rows in a CSV export at most (default 10,000). */
  exportCap?: number;
  /** The live stream service (`startLive`); without it `GET /events` is a 404 and clients poll instead. */
  live?: Live;
  /** More open streams than this for one user in this process answer 429 (default 50; a page shares one). */
  maxStreamsPerUser?: number;
  /**
   * New jobs (launches and requeues) per user and minute in this process, beyond which they answer 429 with
   * `Retry-After`; none by default (`npm start` sets 120, `LAUNCHES_PER_MINUTE`).
   */
  launchesPerMinute?: number | null;
  /**
   * How long finished jobs are kept, for types that do not say (`keepFinishedForMs`); null (the default) keeps them
   * for ever. Shown as the report's `keptUntil`; the purge itself is `startPurge` (server/store/retention.ts), given
   * the same value.
   */
  keepFinishedJobsMs?: number | null;
  /**
   * Adds routes or middleware under `/api` ahead of every route, of the body limit and of the bearer/cookie check:
   * routes that authenticate for themselves, or CORS middleware so preflights and every error, a 413 included, are
   * answered with its headers (docs/embedding.md). A route added here that reads a body gets no `maxBodyBytes`
   * limit: give it its own (`hono/body-limit`).
   */
  mount?: (api: Hono<AppEnv>, services: Services) => void;
}

export const apiBasePath = '/api';

export function createApp(options: AppOptions): Hono<AppEnv> {
  const services: Services = {
    db: options.db,
    registry: new JobTypeRegistry(options.jobTypes),
    users: options.users ?? staticDirectory([]),
    countCap: options.countCap ?? 10_000,
    exportCap: options.exportCap ?? 10_000,
    launchLimit: options.launchesPerMinute ? new LaunchLimit(options.launchesPerMinute) : null,
    retention: new Retention(options.jobTypes, options.keepFinishedJobsMs ?? null),
  };
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;

  const api = new Hono<AppEnv>();
  // First, so that a host's middleware (CORS, say) also covers what answers without reaching it: the body limit's
  // 413 and the routes that authenticate for themselves.
  options.mount?.(api, services);
  // Labels, option values and schema titles follow Accept-Language: a cache must not hand one language's to another.
  // After the host's routes, whose answers are theirs (a proxied fetch() answer's headers cannot even be changed).
  api.use(async (c, next) => {
    await next();
    c.res.headers.append('vary', 'Accept-Language');
  });
  api.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ProblemError(413, 'payload_too_large', `At most ${maxBodyBytes} bytes are accepted.`);
      },
    }),
  );
  // These authenticate for themselves: the stream also takes a stream token the bearer/cookie check does not know.
  if (options.live) {
    mountEvents(api, { live: options.live, auth: options.auth, maxStreamsPerUser: options.maxStreamsPerUser });
  }
  mountNotifications(api, { db: options.db, auth: options.auth, registry: services.registry });
  api.use(async (c, next) => {
    const principal = await options.auth(c.req.raw);
    if (!principal) {
      throw unauthenticated();
    }
    c.set('principal', principal);
    await next();
  });
  // Before routing: `DELETE /jobs/facets` would otherwise be routed as a job ID and answer 404 "No job facets.".
  api.use(async (c, next) => {
    const allowed = allowedMethods(c.req.path);
    if (c.req.method !== 'OPTIONS' && allowed.length > 0 && !allowed.includes(c.req.method)) {
      return methodNotAllowed(c.req.path, c.req.method, allowed);
    }
    await next();
  });
  // Fixed paths first, so `/jobs/facets` is never taken for a job ID.
  api.route('/', sessionRoutes(services));
  api.route('/', jobTypeRoutes(services));
  api.route('/', launchRoutes(services));
  api.route('/', jobListRoutes(services));
  api.route('/', actionRoutes(services));
  api.route('/', jobRoutes(services));

  const app = new Hono<AppEnv>();
  app.route(apiBasePath, api);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) {
      return problemResponse(new ProblemError(404, 'not_found', `Nothing at ${c.req.path}.`), c.req.path);
    }
    if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow: allowed.join(', ') } });
    return methodNotAllowed(c.req.path, c.req.method, allowed);
  });
  app.onError((error, c) => errorResponse(error, c.req.method, c.req.path));
  return app;
}

/** The methods the contract has for a request's path; none for an unknown path or one outside the API. */
function allowedMethods(path: string): string[] {
  return path.startsWith(`${apiBasePath}/`) ? contractMethods(path.slice(apiBasePath.length)) : [];
}

function methodNotAllowed(path: string, method: string, allowed: string[]): Response {
  const allow = allowed.join(', ');
  const response = problemResponse(
    new ProblemError(405, 'method_not_allowed', `${path} does not take ${method}; it takes ${allow}.`),
    path,
  );
  response.headers.set('allow', allow);
  return response;
}
