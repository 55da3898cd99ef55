/**
 * The worker runtime: claims jobs in batches (each claim one lease), runs their handlers (up to `concurrency` at
 * once), buffers their completions into batched writes, keeps their leases alive, recovers jobs whose worker
 * vanished, and honours interrupts. Idle, it sleeps until NOTIFY `jobs_queued` (or a slow safety poll), and offers
 * its free slots: a job queued on its own is then handed to it by the queuing statement and starts on the NOTIFY
 * `jobs_handed_over`, without a claim.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { retryTransient } from '../db/transient.js';
import type { Db } from '../db/types.js';
import { RunningJob } from './context.js';
import { thrownCode, thrownMessage } from './handlerInput.js';
import { LeaseBook, type LeasePlan } from './leaseBook.js';
import { createMarker } from './marker.js';
import { interruptedJobIn, jobsHandedOverChannel, jobsInterruptChannel, jobsQueuedChannel } from './notify.js';
import { type ClaimedJobRow, claimJobs } from './sql/claimJobs.js';
import { type Completion, completeJobs } from './sql/completeJobs.js';
import { completeSucceededJobs } from './sql/completeSucceededJobs.js';
import { forceInterruptJob } from './sql/forceInterruptJob.js';
import { heartbeat } from './sql/heartbeat.js';
import { readHeldJobs } from './sql/readHeldJobs.js';
import { recoverExpiredLeases } from './sql/recoverExpiredLeases.js';
import { releaseLeases } from './sql/releaseLeases.js';
import { unregisterWorker } from './sql/unregisterWorker.js';
import { withdrawOffer } from './sql/withdrawOffer.js';
import type { JobTypeDefinition } from './types.js';

export interface WorkerOptions {
  db: Db;
  jobTypes: JobTypeDefinition[] | Map<string, JobTypeDefinition>;
  /** Recorded as each job's `host`; default `hostname:pid:random`. */
  workerId?: string;
  /** Handlers running at once in this process. */
  concurrency?: number;
  /** Most jobs taken per claim statement. */
  claimBatchSize?: number;
  /** Claim statements in flight at once (each on its own connection), while slots are free. */
  claimsInFlight?: number;
  /** Completions written per statement; a partial batch waits at most `completionFlushMs`. */
  completionBatchSize?: number;
  completionFlushMs?: number;
  /** A job whose worker has not renewed its lease for this long is recovered by another worker. */
  leaseMs?: number;
  /** How often leases are renewed (and the worker row touched); default a third of the lease. */
  heartbeatMs?: number;
  /** How often expired leases are looked for. */
  recoveryMs?: number;
  /** Safety poll when no NOTIFY arrives (e.g. a job whose `run_after` came due). */
  pollMs?: number;
  /**
   * A claimed job still running this long after its claim is marked running in `jobs` (a claim writes only its
   * lease); one that reports progress, a message or an artifact is marked before that write.
   */
  markRunningAfterMs?: number;
  /** Least time between two progress writes of one job. */
  progressIntervalMs?: number;
  /** Background errors (a failed flush, a lost connection); default logs to stderr. */
  onError?: (error: unknown) => void;
}

export interface Worker {
  readonly id: string;
  /**
   * Stops claiming, waits up to `graceMs` (default 10 s) for running jobs, then aborts and releases the rest to
   * the queue. Ends the database could not take yet (it is out of reach) are retried first, for up to `leaseMs`.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Handlers currently running. */
  readonly running: number;
}

/**
 * Defaults chosen with `npm run bench:queue` (see docs/benchmarks.md). Each statement costs a round trip, which on
 * a busy machine is a context switch to PostgreSQL and back: claims of 250 and completions of up to 500 took a
 * drain of short jobs from about 17,000 to 22,000 jobs/s against claims of 100. A claim waits for that many free
 * slots, so `concurrency` is twice the claim; a host whose handlers are heavy sets it lower (the claims shrink).
 */
export const workerDefaults = {
  concurrency: 500,
  claimBatchSize: 250,
  claimsInFlight: 2,
  completionBatchSize: 500,
  completionFlushMs: 2,
  markRunningAfterMs: 50,
  leaseMs: 30_000,
  recoveryMs: 5_000,
  pollMs: 3_000,
  progressIntervalMs: 250,
  interruptGraceMs: 10_000,
};

/**
 * Embedded PGlite runs every statement in this process, one at a time: completions of 500 halved its drain against
 * completions of 200 (3,100 against 5,600 jobs/s), where PostgreSQL gains from them (20,200-21,300 → 23,600-26,900).
 */
const pgliteDefaults = { ...workerDefaults, completionBatchSize: 200 };

/** A lease whose last jobs were ended by several statements is deleted with the next completions, or after this. */
const leaseDropMs = 100;

export function startWorker(options: WorkerOptions): Worker {
  const settings = {
    ...(options.db.kind === 'pglite' ? pgliteDefaults : workerDefaults),
    ...withoutUndefined(options),
  };
  const heartbeatMs = options.heartbeatMs ?? Math.floor(settings.leaseMs / 3);
  const { db } = options;
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const onError = options.onError ?? ((error: unknown) => console.error(`worker ${id}:`, error));
  const jobTypes =
    options.jobTypes instanceof Map ? options.jobTypes : new Map(options.jobTypes.map((type) => [type.type, type]));
  const typeNames = [...jobTypes.keys()];

  const running = new Map<string, RunningJob>();
  const leases = new LeaseBook();
  const graceTimers = new Map<string, NodeJS.Timeout>();
  let pendingCompletions: Completion[] = [];
  /**
   * Ends on their way to the database outside the completion buffer: handlers that returned, waiting for their last
   * progress write before their completion is buffered, and forced interrupts. stop() waits for them.
   */
  const ending = new Set<Promise<void>>();
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  /** The last claim found fewer jobs than it asked for: wait for a NOTIFY or the poll before claiming again. */
  let idle = false;
  /** The shutdown under way, once stop() was called: the worker takes nothing new from then on. */
  let stopped: Promise<void> | null = null;
  /** Set at the end of stop(): no flush is scheduled any more. */
  let flushesClosed = false;
  let whenDrained: (() => void) | null = null;
  const unsubscribes: Promise<() => Promise<void>>[] = [];
  const timers: NodeJS.Timeout[] = [];

  /** Counts wake-ups, so a claim that started before a NOTIFY does not send the worker back to sleep. */
  let wakes = 0;
  const wake = () => {
    wakes++;
    idle = false;
    claim();
  };

  const marker = createMarker({ db, workerId: id, afterMs: settings.markRunningAfterMs, onError });

  /** Claims in flight, each holding `limit` slots until its jobs arrive. */
  const claims = new Set<Promise<void>>();
  let reservedSlots = 0;
  /** The last claim came back full: more jobs are probably waiting. */
  let backlog = false;
  /**
   * Slots this worker's last claim offered for hand-off, less the hand-offs it has heard of since. Renewed only
   * once used up: renewing after every hand-off took the `workers` row lock just as the next job was queued, which
   * then skipped the hand-off (bench:queue latency).
   */
  let offeredSlots = 0;

  function claim(): void {
    while (!idle && !stopped && claims.size < settings.claimsInFlight) {
      const free = settings.concurrency - running.size - reservedSlots;
      // A second claim in flight only pays while the queue is backed up, and only for a full batch.
      if (free <= 0 || (claims.size > 0 && (!backlog || free < settings.claimBatchSize))) return;
      const limit = claimSize(free, settings.claimBatchSize);
      reservedSlots += limit;
      const wakesBefore = wakes;
      const claimed: Promise<void> = claimJobs(db, id, typeNames, limit, settings.leaseMs, free, db.livenessKey())
        .then(
          (jobs) => {
            backlog = jobs.length === limit;
            offeredSlots = backlog ? 0 : free - jobs.length;
            if (!backlog && wakes === wakesBefore) idle = true;
            reservedSlots -= limit;
            claims.delete(claimed);
            for (const job of jobs) run(job);
          },
          (error) => {
            reservedSlots -= limit;
            claims.delete(claimed);
            idle = true;
            onError(error);
          },
        )
        .then(claim);
      claims.add(claimed);
    }
  }

  /**
   * Jobs this worker started (claimed or handed over), by lease, remembered so that a late NOTIFY or the heartbeat
   * finding a held job never starts one twice.
   */
  const started = new RecentIds(10_000);
  const startKey = (row: Pick<ClaimedJobRow, 'id' | 'lease_id'>) => `${row.lease_id}:${row.id}`;
  /** Running hand-offs: when one ends and the offer is used up, the worker claims, which renews the offer. */
  const fromHandOff = new Set<string>();

  function takeHandOff(payload: string): void {
    let offered: Partial<ClaimedJobRow> & { worker?: string };
    try {
      offered = JSON.parse(payload);
    } catch {
      return;
    }
    if (offered.worker !== id || typeof offered.id !== 'string') return;
    if (offered.params === undefined) startHeld([offered.id]);
    else startHandOff(offered as ClaimedJobRow);
  }

  /** Held jobs this worker has not started: hand-offs too big for their NOTIFY, or whose NOTIFY never came. */
  function startHeld(ids: string[]): void {
    readHeldJobs(db, id, ids).then((rows) => {
      for (const row of rows) startHandOff(row);
    }, onError);
  }

  function startHandOff(row: ClaimedJobRow): void {
    if (started.has(startKey(row))) return;
    started.add(startKey(row));
    offeredSlots = Math.max(0, offeredSlots - 1);
    // Stopping: stop() hands back every job it still holds.
    if (stopped) return;
    // Offered slots are a snapshot: one taken by a claim since goes back to the queue.
    if (running.size + reservedSlots >= settings.concurrency) {
      releaseLeases(db, id, [row.lease_id]).catch(onError);
      return;
    }
    stopLostRun(row.id);
    fromHandOff.add(row.id);
    run(row, true);
  }

  /**
   * A job this worker starts again while an earlier run of it still goes on here: that run lost its lease (the
   * event loop was blocked past it, say) and recovery queued the job again. The earlier run no longer counts.
   */
  function stopLostRun(jobId: string): void {
    const lostRun = running.get(jobId);
    if (lostRun) loseJob(lostRun);
  }

  /** `checked`: the caller has just recorded the job as started (a claim's jobs are recorded here). */
  function run(row: ClaimedJobRow, checked = false) {
    if (!checked) {
      // A heartbeat that met the claim's lease before the claim returned may have started the job already.
      if (started.has(startKey(row))) return;
      started.add(startKey(row));
    }
    stopLostRun(row.id);
    leases.hold({ leaseId: row.lease_id, id: row.id });
    const job = new RunningJob({
      db,
      workerId: id,
      job: row,
      progressIntervalMs: settings.progressIntervalMs,
      retryWindowMs: settings.leaseMs,
      markRunning: marker.markNow,
      onError,
    });
    running.set(job.id, job);
    marker.track(job);
    if (interruptsHeard.has(job.id)) interrupt(job.id);
    const definition = jobTypes.get(row.type) as JobTypeDefinition;
    // No closure of its own per job: under tsx every named one costs a defineProperty (5% of a drain's CPU).
    Promise.resolve()
      .then(() => definition.handler(job.context))
      .then(
        () => settle(job, job.completion(job.aborted ? 'interrupted' : 'succeeded')),
        (error: unknown) => settle(job, failure(job, error)),
      );
  }

  /** The handler returned or threw: the job's end is buffered once its own writes are done. */
  function settle(job: RunningJob, completion: Completion): void {
    if (job.abandoned) return;
    finish(job);
    if (job.quiet) {
      complete(completion);
      return;
    }
    track(job.flushed().then(() => complete(completion)));
  }

  function track(end: Promise<void>): void {
    ending.add(end);
    end.finally(() => ending.delete(end)).catch(onError);
  }

  function finish(job: RunningJob): void {
    // Finished already, or a new run of the job took its place: what follows is the current run's to do.
    if (running.get(job.id) !== job) return;
    running.delete(job.id);
    marker.forget(job);
    if (fromHandOff.delete(job.id) && offeredSlots === 0) wake();
    const timer = graceTimers.get(job.id);
    if (timer) clearTimeout(timer);
    graceTimers.delete(job.id);
    if (running.size === 0) whenDrained?.();
    claim();
  }

  function complete(completion: Completion): void {
    pendingCompletions.push(completion);
    if (pendingCompletions.length >= settings.completionBatchSize) flush();
    else scheduleFlush(settings.completionFlushMs);
  }

  function scheduleFlush(ms: number): void {
    if (flushesClosed) return;
    flushTimer ??= setTimeout(flush, ms);
  }

  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    const batch = pendingCompletions;
    pendingCompletions = [];
    if (batch.length === 0 && !leases.hasDroppable) return flushing;
    const plain = batch.filter(isPlainSuccess);
    const detailed = batch.filter((completion) => !isPlainSuccess(completion));
    // With no job to end, the plain statement still runs: it deletes the leases left to drop.
    const statements = detailed.length === 0 ? [plain] : plain.length === 0 ? [detailed] : [plain, detailed];
    const plans = leases.plan(statements);
    const write = Promise.all(
      statements.map((completions, index) => {
        const plan = plans[index] as LeasePlan;
        const ids = completions === plain ? plain.map((completion) => completion.id) : null;
        return afterLeaseWrite(
          () => (ids ? completeSucceededJobs(db, id, ids, plan) : completeJobs(db, id, completions, plan)),
          plan,
        );
      }),
    ).then(() => {});
    flushing = Promise.all([flushing, write]).then(() => {});
    return flushing;
  }

  /**
   * Runs a statement planned by `leases` and books it as settled. One that fails because the database is out of
   * reach is run again until the lease would have lapsed (the heartbeat keeps renewing it meanwhile): the statement
   * ends only jobs still held by this worker, so a second run after a first that committed unseen ends none, and a
   * job that ran is not failed for a blip. One that still fails leaves its jobs held by their lease, which is no
   * longer deleted: once its other jobs are done the heartbeat stops renewing it and lease recovery settles them (or
   * stop() hands them back to the queue first: they may run again, never get lost).
   */
  function afterLeaseWrite(write: () => Promise<unknown>, plan: LeasePlan): Promise<void> {
    return retryTransient(write, Date.now() + settings.leaseMs, onError).then(
      () => {
        leases.settled(plan, true);
        if (leases.hasDroppable) scheduleFlush(leaseDropMs);
      },
      (error) => {
        leases.settled(plan, false);
        onError(error);
      },
    );
  }

  /**
   * Interrupts heard for jobs not running here: one may be a job this worker's claim has just taken, whose rows are
   * still on their way back. Its handler is aborted as it starts, not at the next heartbeat.
   */
  const interruptsHeard = new RecentIds(1_000);

  function interrupt(jobId: string): void {
    const job = running.get(jobId);
    if (!job) interruptsHeard.add(jobId);
    if (!job || job.aborted) return;
    job.abort(new Error('The job was interrupted.'));
    const graceMs = jobTypes.get(job.type)?.interruptGraceMs ?? settings.interruptGraceMs;
    const timer = setTimeout(() => {
      graceTimers.delete(jobId);
      if (running.get(jobId) !== job) return;
      abandon(job);
      const [plan] = leases.plan([[job]]) as [LeasePlan];
      track(afterLeaseWrite(() => forceInterruptJob(db, id, jobId, plan), plan));
    }, graceMs);
    graceTimers.set(jobId, timer);
  }

  function abandon(job: RunningJob): void {
    job.abandoned = true;
    job.settle();
    finish(job);
  }

  async function beat(): Promise<void> {
    // The runs as they were when the heartbeat left: a job recovered and claimed back meanwhile is a new run, which
    // this heartbeat's answer says nothing about.
    const runs = [...running.values()];
    const ids = runs.map((job) => job.id);
    const held = await heartbeat(db, id, ids, settings.leaseMs, leases.renewable());
    const statuses = new Map<string, string>();
    const unlisted = new Set<string>();
    const unstarted: Pick<ClaimedJobRow, 'id' | 'lease_id'>[] = [];
    for (const row of held) {
      const leaseId = row.lease_id;
      if (leaseId === null) statuses.set(row.id, row.status);
      else {
        unlisted.add(leaseId);
        unstarted.push({ id: row.id, lease_id: leaseId });
      }
    }
    // A lapsing lease that no longer holds unfinished jobs was recovered: nothing is left to know of it.
    for (const leaseId of leases.lapsing()) if (!unlisted.has(leaseId)) leases.forget(leaseId);
    if (unstarted.length > 0) startMissedHandOffs(unstarted);
    for (const job of runs) {
      if (running.get(job.id) !== job) continue;
      const status = statuses.get(job.id);
      if (status === 'interrupting') interrupt(job.id);
      // Another worker recovered it (our lease lapsed): stop the handler, its result no longer counts.
      else if (status === undefined && !job.abandoned) loseJob(job);
    }
  }

  /**
   * Held here but never started: a hand-off whose NOTIFY was lost (e.g. while the listener reconnected). Or the
   * lease of a claim whose rows are still on their way back: known once the claims in flight have returned. Taken
   * for a hand-off, such a lease was released whole (the claim's slots counted twice), and its jobs ran twice.
   */
  function startMissedHandOffs(unstarted: Pick<ClaimedJobRow, 'id' | 'lease_id'>[]): void {
    Promise.all(claims).then(() => {
      const missed = unstarted.filter((row) => !leases.has(row.lease_id) && !started.has(startKey(row)));
      if (missed.length > 0 && !stopped) startHeld(missed.map((row) => row.id));
    });
  }

  function loseJob(job: RunningJob): void {
    leases.forget(job.leaseId);
    job.abort(new Error('The worker lost this job (lease expired).'));
    abandon(job);
  }

  async function recover(): Promise<void> {
    const recovered = await recoverExpiredLeases(db);
    if (recovered.some((row) => row.status === 'queued')) wake();
  }

  /** Heartbeats and recoveries under way, which `stop()` lets finish before it returns. */
  const chores = new Set<Promise<void>>();
  const every = (ms: number, task: () => Promise<void>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      const chore = task()
        .catch(onError)
        .finally(() => {
          busy = false;
          chores.delete(chore);
        });
      chores.add(chore);
    }, ms);
    timers.push(timer);
  };

  unsubscribes.push(db.listen(jobsQueuedChannel, wake));
  unsubscribes.push(db.listen(jobsHandedOverChannel, takeHandOff));
  unsubscribes.push(
    db.listen(jobsInterruptChannel, (payload) => {
      const jobId = interruptedJobIn(db.schema, payload);
      if (jobId) interrupt(jobId);
    }),
  );
  every(heartbeatMs, beat);
  every(settings.recoveryMs, recover);
  every(settings.pollMs, async () => wake());
  // Register, then make the first claim only once LISTEN is in place, so no NOTIFY falls in between.
  const startup: Promise<void> = Promise.all(unsubscribes)
    .then(() => beat())
    .then(() => recover())
    .catch(onError)
    .finally(() => {
      chores.delete(startup);
      wake();
    });
  chores.add(startup);

  return {
    id,
    get running() {
      return running.size;
    },
    stop(stopOptions = {}) {
      // A second call waits for the same shutdown: returning early let a caller close the database under it.
      stopped ??= shutDown(stopOptions.graceMs ?? 10_000);
      return stopped;
    },
  };

  async function shutDown(graceMs: number): Promise<void> {
    for (const timer of timers) clearInterval(timer);
    marker.stop();
    // First, so that no statement hands it a job it would not hear of.
    await withdrawOffer(db, id).catch(onError);
    await Promise.all(unsubscribes.map((subscribed) => subscribed.then((unsubscribe) => unsubscribe(), onError)));
    await Promise.all([...claims, ...chores]);
    // Again: a claim in flight that found the queue empty offered its free slots anew.
    await withdrawOffer(db, id).catch(onError);
    if (running.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        whenDrained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const leftover = [...running.values()];
    for (const job of leftover) {
      job.abort(new Error('The worker is shutting down; the job goes back to the queue.'));
      abandon(job);
    }
    for (const timer of graceTimers.values()) clearTimeout(timer);
    await Promise.allSettled(ending);
    await flush();
    await Promise.all(leftover.map((job) => job.flushed()));
    // Releasing deletes every lease left, so no flush is needed to drop them: none may run once stop() returns.
    flushesClosed = true;
    if (flushTimer) clearTimeout(flushTimer);
    // The unfinished jobs, and hand-offs that arrived while stopping, go back to the queue.
    await releaseLeases(db, id, null).catch(onError);
    await unregisterWorker(db, id).catch(onError);
  }
}

/**
 * The last `size` ids added, in a ring. Dropping the oldest from a Set instead (`values().next()`) walked the holes
 * its deletions leave: 2–10% of the worker's CPU in a 50,000-job drain (CPU profile of bench:queue).
 */
class RecentIds {
  private readonly ring: (string | undefined)[];
  private readonly ids = new Set<string>();
  private next = 0;

  constructor(size: number) {
    this.ring = new Array(size);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.ids.delete(oldest);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.ids.add(id);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/**
 * A full batch, or else the largest power of two that fits: each size is a statement prepared per connection
 * (claimJobs), so a busy worker keeps a handful of them, not one per number of free slots.
 */
function claimSize(free: number, batch: number): number {
  return free >= batch ? batch : 2 ** Math.floor(Math.log2(free));
}

function failure(job: RunningJob, error: unknown): Completion {
  if (job.aborted) return job.completion('interrupted');
  return job.completion('failed', thrownCode(error) ?? 'handler_exception', thrownMessage(error));
}

/** A handler that returned and left nothing to record beyond the end: the hot path's statement. */
function isPlainSuccess(completion: Completion): boolean {
  return (
    completion.status === 'succeeded' &&
    !completion.errorCode &&
    !completion.errorMessage &&
    !completion.progress &&
    !completion.counters &&
    !completion.steps
  );
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
