/**
 * Requeue, interrupt and delete, one job at a time or in bulk. Each action locks the job's row, checks who may
 * act and what its status allows, changes it and records the actor in `job_audit`, all in one transaction.
 */
import { Hono } from 'hono';
import { canAct, canSee } from '../auth/permissions.js';
import type { Principal } from '../auth/types.js';
import { isDbOutage, isTransientDbError } from '../db/transient.js';
import type { Queryable } from '../db/types.js';
import type { AppEnv, Services } from '../http/env.js';
import { chargedToLimit } from '../http/launchLimit.js';
import { keySlot, OneAtATime } from '../http/oneAtATime.js';
import { conflict, forbidden, notFound, ProblemError, storeUnavailable } from '../http/problem.js';
import { validate, validInput } from '../http/validation.js';
import { enqueueJob } from '../queue/enqueue.js';
import { copyInputArtifacts } from '../store/artifacts.js';
import { recordAudit } from '../store/audit.js';
import { deleteFinishedJob } from '../store/deleteJob.js';
import { getJob, getJobForUpdate } from '../store/getJob.js';
import { findIdempotentRequeue } from '../store/idempotency.js';
import { interruptQueuedJob, interruptRunningJob } from '../store/interruptJob.js';
import { linkRequeue } from '../store/requeueJob.js';
import { isFinished, isJobId, type JobRow } from '../store/rows.js';
import { detailOf } from './job.js';
import { jobViews } from './jobs.js';

type Action = 'requeue' | 'interrupt' | 'delete';

/** Locks the job and checks the caller may act on it: 404 if they may not even see it, 403 if they may only look. */
async function lockForAction(tx: Queryable, principal: Principal, id: string, action: Action): Promise<JobRow> {
  const row = isJobId(id) ? await getJobForUpdate(tx, id) : null;
  if (!row || !canSee(principal, row.user_id)) throw notFound(`No job ${id}.`);
  if (!canAct(principal, row.user_id)) {
    throw forbidden(`To ${action} another user's job needs the jobs:manage:any permission.`);
  }
  return row;
}

/** A requeue's answer: the new job, or the one an earlier request with the same Idempotency-Key made. */
interface Requeued {
  job: JobRow;
  replayed: boolean;
}

/** Thrown inside the requeue's transaction to answer an earlier requeue's job: nothing is written, nothing charged. */
class Replay {
  constructor(readonly job: JobRow) {}
}

async function requeue(services: Services, principal: Principal, id: string, key?: string): Promise<Requeued> {
  // A retry after the first request has ended is answered before anything is charged or locked: the original may
  // have been deleted since.
  const earlier = key ? await earlierRequeue(services.db, principal, id, key) : null;
  if (earlier) return { job: earlier, replayed: true };
  try {
    // The one who asks pays, not the job's owner: a manager's bulk requeue does not use up the owner's launches.
    const job = await chargedToLimit(services.launchLimit, principal.id, () =>
      services.db.transaction(async (tx) => {
        const row = await lockForAction(tx, principal, id, 'requeue');
        // Again under the original's lock: a retry racing its first request waits for it here, then finds it.
        const raced = key ? await earlierRequeue(tx, principal, id, key) : null;
        if (raced) throw new Replay(raced);
        const definition = services.registry.get(row.type);
        if (!definition?.requeueable) {
          throw conflict('not_requeueable', `Jobs of type ${row.type} cannot be run again.`);
        }
        if (!isFinished(row.status)) {
          throw conflict('job_not_finished', `Job ${id} is ${row.status}; only a finished job can be run again.`);
        }
        const { params, problems } = services.registry.checkParams(row.type, row.params);
        // An uploaded file's param holds its file name once stored, not the content its schema describes.
        const files = services.registry
          .params(row.type)
          .filter((p) => p.fileType)
          .map((p) => `/${p.name}`);
        const misfits = problems.filter(
          ({ path }) => !files.some((file) => path === file || path.startsWith(`${file}/`)),
        );
        if (misfits.length > 0) {
          const { path, message } = misfits[0]!;
          throw new ProblemError(
            422,
            'invalid_params',
            `Job ${id}'s params no longer fit its job type, which has changed since (params${path} ${message}); launch a new job instead.`,
          );
        }
        const job = await enqueueJob(tx, {
          type: row.type,
          userId: row.user_id,
          userName: row.user_name,
          locale: row.locale,
          notifyByEmail: row.notify_by_email,
          email: row.email,
          params,
          subjects: row.subjects,
          maxAttempts: definition.maxAttempts ?? 1,
          requeuedFrom: row.id,
        });
        await copyInputArtifacts(tx, row.id, job.id);
        await linkRequeue(tx, row.id, job.id);
        const detail = key ? { newJobId: job.id, idempotencyKey: key } : { newJobId: job.id };
        await recordAudit(tx, row.id, 'requeue', principal, detail);
        return job;
      }),
    );
    return { job, replayed: false };
  } catch (error) {
    if (error instanceof Replay) return { job: error.job, replayed: true };
    throw error;
  }
}

/** The job this caller's earlier requeue of job `id` with this key made; a 409 when the key cannot replay here. */
async function earlierRequeue(db: Queryable, principal: Principal, id: string, key: string): Promise<JobRow | null> {
  const earlier = await findIdempotentRequeue(db, principal.id, key);
  if (!earlier) return null;
  if (earlier.job_id !== id) {
    // A job the caller may not see is missing whatever the key says, as it is without one.
    const asked = isJobId(id) ? await getJob(db, id) : null;
    if (!asked || !canSee(principal, asked.user_id)) throw notFound(`No job ${id}.`);
    throw conflict('idempotency_conflict', `This Idempotency-Key was used to requeue another job, ${earlier.job_id}.`);
  }
  const made = await getJob(db, earlier.new_job_id);
  if (!made) {
    throw conflict(
      'idempotency_conflict',
      `This Idempotency-Key's requeue made job ${earlier.new_job_id}, which has been deleted since.`,
    );
  }
  if (!canSee(principal, made.user_id)) throw notFound(`No job ${earlier.new_job_id}.`);
  return made;
}

async function interrupt(services: Services, principal: Principal, id: string): Promise<JobRow> {
  return services.db.transaction(async (tx) => {
    const row = await lockForAction(tx, principal, id, 'interrupt');
    if (isFinished(row.status)) throw conflict('job_finished', `Job ${id} has already finished (${row.status}).`);
    // Asked twice: the first request is under way, nothing more to do.
    if (row.status === 'interrupting') return row;
    let changed: JobRow | null = null;
    if (row.status === 'queued') changed = await interruptQueuedJob(tx, row.id, principal);
    // Still `queued` but not interrupted at once: a worker holds it, its handler may be running.
    if (!changed && (row.status === 'queued' || row.status === 'running')) {
      if (!services.registry.get(row.type)?.interruptible) {
        throw conflict('not_interruptible', `Running jobs of type ${row.type} cannot be interrupted.`);
      }
      changed = await interruptRunningJob(tx, row.id, principal);
    }
    if (!changed) throw conflict('job_finished', `Job ${id} is ${row.status} and cannot be interrupted.`);
    await recordAudit(tx, row.id, 'interrupt', principal, { from: row.status });
    return changed;
  });
}

async function remove(services: Services, principal: Principal, id: string): Promise<null> {
  return services.db.transaction(async (tx) => {
    const row = await lockForAction(tx, principal, id, 'delete');
    if (!isFinished(row.status)) {
      throw conflict(
        'job_not_finished',
        `Job ${id} is ${row.status}; only finished jobs can be deleted. Interrupt it first.`,
      );
    }
    await deleteFinishedJob(tx, row.id);
    // A late retry of the job's launch must not queue it again (011_idempotency_in_audit.sql).
    const launch = row.idempotency_key ? { idempotencyKey: row.idempotency_key, launchedAt: row.created_at } : {};
    await recordAudit(tx, row.id, 'delete', principal, { type: row.type, owner: row.user_id, ...launch });
    return null;
  });
}

const actions: Record<Action, (s: Services, p: Principal, id: string) => Promise<JobRow | null>> = {
  requeue: async (s, p, id) => (await requeue(s, p, id)).job,
  interrupt,
  delete: remove,
};

/**
 * What one job of a bulk action answers when its action failed: its own problem; 503 when the job store was out of
 * reach (nothing was changed, a retry may succeed), as the single-job routes answer; otherwise a 500, logged.
 */
function bulkProblem(action: Action, id: string, error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (isTransientDbError(error)) {
    console.error(`bulk ${action} of job ${id}: the job store is out of reach: ${(error as Error).message}`);
    return storeUnavailable();
  }
  console.error(`bulk ${action} of job ${id} failed`, error);
  return new ProblemError(500, 'internal_error', 'This job could not be changed.');
}

export function actionRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/jobs/bulk', validate('bulkJobAction'), async (c) => {
    const { action, ids } = validInput(c, 'bulkJobAction').body;
    const principal = c.get('principal');
    const outcomes: { id: string; row?: JobRow | null; problem?: ProblemError }[] = [];
    let outage = false;
    for (const id of ids) {
      // The store out of reach for one job is out of reach for the next: each of up to 500 jobs waited for its own
      // connection timeout, minutes in all. The rest are answered as not tried; a retry may succeed.
      if (outage) {
        outcomes.push({ id, problem: storeUnavailable() });
        continue;
      }
      try {
        outcomes.push({ id, row: await actions[action](services, principal, id) });
      } catch (error) {
        outage = isDbOutage(error);
        outcomes.push({ id, problem: bulkProblem(action, id, error) });
      }
    }
    const rows = outcomes.flatMap((o) => (o.row ? [o.row] : []));
    const views = new Map((await jobViews(services, c, rows)).map((job) => [job.id, job]));
    const results = outcomes.map((o) =>
      o.problem
        ? { id: o.id, ok: false, problem: o.problem.toProblem() }
        : { id: o.id, ok: true, ...(o.row ? { job: views.get(o.row.id)! } : {}) },
    );
    const succeeded = results.filter((r) => r.ok).length;
    return c.json({ action, results, succeeded, failed: results.length - succeeded });
  });

  const requeuesByKey = new OneAtATime();

  app.post('/jobs/:id/requeue', validate('requeueJob'), async (c) => {
    const principal = c.get('principal');
    const id = c.req.param('id');
    const key = c.req.header('idempotency-key');
    const { job, replayed } = key
      ? await requeuesByKey.run(keySlot(principal.id, key), () => requeue(services, principal, id, key))
      : await requeue(services, principal, id);
    const headers: Record<string, string> = { location: c.req.path.replace(/[^/]+\/requeue$/, job.id) };
    if (replayed) headers['idempotent-replayed'] = 'true';
    return c.json(await detailOf(services, c, job), 202, headers);
  });

  app.post('/jobs/:id/interrupt', validate('interruptJob'), async (c) => {
    const job = await interrupt(services, c.get('principal'), c.req.param('id'));
    return c.json(await detailOf(services, c, job), 202);
  });

  app.delete('/jobs/:id', validate('deleteJob'), async (c) => {
    await remove(services, c.get('principal'), c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
