/**
 * `POST /jobs`. Params are checked against the job type's own JSON Schema (422 with the failing fields).
 *
 * Uploaded files: a string param whose schema has `contentMediaType` (the import's CSV) carries the file's
 * content. It is stored as an `input` artifact named after the param and kept with the report, and the stored
 * param becomes the file name (from the sibling param `<name>Name` when given), so params stay small, are
 * searchable and show as an option. The handler reads the content with `readArtifact(<name>)`.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Principal } from '../auth/types.js';
import type { AppContext, AppEnv, Services } from '../http/env.js';
import { toJobDetail } from '../http/jobView.js';
import { chargedToLimit } from '../http/launchLimit.js';
import { pickLocale } from '../http/locale.js';
import { keySlot, OneAtATime } from '../http/oneAtATime.js';
import { conflict, moreThanListed, ProblemError } from '../http/problem.js';
import { validate, validInput } from '../http/validation.js';
import { enqueueJob } from '../queue/enqueue.js';
import type { JsonObject } from '../queue/types.js';
import { saveInputArtifact } from '../store/artifacts.js';
import { findDeletedLaunch, findIdempotentJob, releaseExpiredKey } from '../store/idempotency.js';
import { queueInfo } from '../store/queueInfo.js';
import type { JobRow } from '../store/rows.js';

const extensions: Record<string, string> = { 'text/csv': '.csv', 'application/json': '.json', 'text/plain': '.txt' };

interface LaunchRequest {
  type: string;
  params?: JsonObject;
  notifyByEmail?: boolean;
  subjects?: string[];
}

function checkParams(services: Services, request: LaunchRequest): JsonObject {
  if (!services.registry.get(request.type)) {
    throw new ProblemError(422, 'unknown_job_type', `There is no job type "${request.type}".`);
  }
  const { params, problems } = services.registry.checkParams(request.type, request.params ?? {});
  if (problems.length > 0) {
    const errors = problems.map(({ path, message }) => ({
      location: 'body' as const,
      path: `/params${path}`,
      message,
    }));
    const detail = `params${errors[0]!.path.slice(7)} ${errors[0]!.message}${moreThanListed(errors.length)}`;
    throw new ProblemError(422, 'invalid_params', detail, errors);
  }
  return params;
}

/**
 * What a retry must repeat to be the same launch: the same meaning, whatever the order of its keys, and an absent
 * `subjects` the same as an empty one (validation has already filled the other defaults in).
 */
function hashOf(request: LaunchRequest, params: JsonObject): string {
  const launch = { type: request.type, params, notifyByEmail: request.notifyByEmail, subjects: request.subjects ?? [] };
  return createHash('sha256').update(canonicalJson(launch)).digest('hex');
}

/** JSON with every object's keys sorted (the body is at most 32 levels deep, see validation.ts). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

async function launch(services: Services, principal: Principal, request: LaunchRequest, key: string | undefined) {
  const params = checkParams(services, request);
  const hash = hashOf(request, params);
  const files = services.registry
    .params(request.type)
    .filter((p) => p.fileType && typeof params[p.name] === 'string')
    .map((p) => {
      const given = params[`${p.name}Name`];
      const fileName = typeof given === 'string' && given ? given : `${p.name}${extensions[p.fileType!] ?? ''}`;
      const data = Buffer.from(params[p.name] as string, 'utf8');
      params[p.name] = fileName;
      return { name: p.name, fileName, contentType: p.fileType!, data };
    });
  return chargedToLimit(services.launchLimit, principal.id, () =>
    services.db.transaction(async (tx) => {
      if (key) await releaseExpiredKey(tx, principal.id, key);
      const job = await enqueueJob(tx, {
        type: request.type,
        userId: principal.id,
        userName: principal.name,
        locale: principal.locale,
        notifyByEmail: request.notifyByEmail ?? false,
        email: request.notifyByEmail ? principal.email : null,
        params,
        subjects: request.subjects ?? [],
        maxAttempts: services.registry.get(request.type)!.maxAttempts ?? 1,
        idempotencyKey: key ?? null,
        idempotencyHash: key ? hash : null,
      });
      for (const file of files) await saveInputArtifact(tx, job.id, file);
      return job;
    }),
  );
}

/** The job an earlier launch with this key made: replayed if the request is the same, 409 if it is not. */
async function replay(services: Services, principal: Principal, request: LaunchRequest, key: string) {
  const existing = await findIdempotentJob(services.db, principal.id, key);
  if (!existing) {
    const deleted = await findDeletedLaunch(services.db, principal.id, key);
    if (deleted) {
      throw conflict(
        'idempotency_conflict',
        `This Idempotency-Key's launch made job ${deleted}, which has been deleted since.`,
      );
    }
    return null;
  }
  if (existing.idempotency_hash !== hashOf(request, checkParams(services, request))) {
    throw conflict('idempotency_conflict', 'This Idempotency-Key was used for a different launch request.');
  }
  return existing;
}

/** The job of this key: the earlier launch's (replayed), or a new one. */
async function launchOnce(services: Services, principal: Principal, request: LaunchRequest, key: string) {
  const earlier = await replay(services, principal, request, key);
  if (earlier) return { job: earlier, replayed: true };
  try {
    return { job: await launch(services, principal, request, key), replayed: false };
  } catch (error) {
    // Another process launched with this key meanwhile; the unique index let one through, so answer as its replay.
    if (!isUniqueViolation(error)) throw error;
    const raced = await replay(services, principal, request, key);
    if (!raced) throw error;
    return { job: raced, replayed: true };
  }
}

async function answer(services: Services, c: AppContext, job: JobRow, replayed: boolean) {
  const view = {
    registry: services.registry,
    principal: c.get('principal'),
    locale: pickLocale(c.req.header('accept-language')),
    queue: await queueInfo(services.db, [job.id]),
    retention: services.retention,
  };
  const headers: Record<string, string> = { location: `${c.req.path}/${job.id}` };
  if (replayed) headers['idempotent-replayed'] = 'true';
  return c.json(toJobDetail(job, view), 202, headers);
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export function launchRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const launchesByKey = new OneAtATime();

  app.post('/jobs', validate('launchJob'), async (c) => {
    const principal = c.get('principal');
    const request = validInput(c, 'launchJob').body as LaunchRequest;
    const key = c.req.header('idempotency-key');
    if (!key) return answer(services, c, await launch(services, principal, request, undefined), false);
    const { job, replayed } = await launchesByKey.run(keySlot(principal.id, key), () =>
      launchOnce(services, principal, request, key),
    );
    return answer(services, c, job, replayed);
  });

  return app;
}
