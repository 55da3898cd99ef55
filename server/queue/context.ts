/**
 * What a running handler holds: its params, its abort signal and the calls that report back. Progress, counters,
 * steps and messages live in memory and reach the database at most once per `progressIntervalMs` (messages also
 * once `maxPendingMessages` wait; the final state rides on the completion, the last messages just before it), so a
 * tight loop of `progress()` or `warn()` costs next to nothing. Before its first write the job is marked running in
 * `jobs` (a claim writes only its lease), so nobody sees progress on a job that reads `queued`.
 */
import { retryTransient } from '../db/transient.js';
import type { Db } from '../db/types.js';
import {
  artifactInput,
  countInput,
  maxReportedNumber,
  messageInput,
  progressInput,
  stepInput,
} from './handlerInput.js';
import type { StepRow } from './rows.js';
import { readArtifactData, saveArtifact } from './sql/artifacts.js';
import type { ClaimedJobRow } from './sql/claimJobs.js';
import type { Completion } from './sql/completeJobs.js';
import { insertJobMessages, type PendingMessage } from './sql/insertJobMessages.js';
import { type ProgressState, saveProgress } from './sql/saveProgress.js';
import type { ArtifactInput, JobContext, JsonObject, MessageLevel } from './types.js';

export interface RunningJobOptions {
  db: Db;
  workerId: string;
  job: ClaimedJobRow;
  progressIntervalMs: number;
  /** Has the worker mark this job running in `jobs`, batched with others; settles once written. */
  markRunning: (job: RunningJob) => Promise<void>;
  /** How long the last messages are written again while the database is out of reach (the worker's lease). */
  retryWindowMs: number;
  /** A throttled write failed; the job goes on (the next write or the completion carries the state). */
  onError: (error: unknown) => void;
}

/** A handler reporting faster than this waits for the database now and then, instead of buffering without bound. */
const maxPendingMessages = 500;
/** A report of steps, not of items: every write and every report carries them all. */
export const maxSteps = 1_000;

export class RunningJob {
  /** Made on first use: most handlers never look at their signal, and one costs ~6 µs (bench:queue profile). */
  private controller: AbortController | null = null;
  private abortReason: unknown = undefined;
  aborted = false;
  readonly context: JobContext;
  /** Set once the worker stopped waiting for the handler (forced interrupt, lost lease): its calls are ignored. */
  abandoned = false;
  // No prototype: a counter named `toString` or `__proto__` is a counter like any other.
  private readonly state: ProgressState = {
    done: 0,
    total: null,
    message: null,
    counters: Object.create(null),
    steps: [],
  };
  /** Whether anything changed since the last write (and must go with the completion). */
  private dirty = false;
  private lastWriteAt = 0;
  private writeTimer: NodeJS.Timeout | null = null;
  /**
   * A throttled write is queued or running: it writes the latest state when it runs, so no other is queued behind
   * it. Without this, a write slowed down by the database let every progress() call meanwhile queue one more.
   */
  private throttledWritePending = false;
  /** The job ended (or was given up): no throttled write is scheduled any more. */
  private settled = false;
  private writing: Promise<void> = Promise.resolve();
  /** Writes chained and not yet settled. */
  private writesInFlight = 0;
  /** The last throttled write failed; the failure was reported (see `writeFailed`). */
  private writeFailing = false;
  private pendingMessages: PendingMessage[] = [];
  /** The write that shows this job running in `jobs`, in flight or done; null while only its lease knows. */
  marking: Promise<void> | null = null;

  constructor(private readonly options: RunningJobOptions) {
    this.context = new HandlerContext(this, options.job);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  get id(): string {
    return this.options.job.id;
  }

  get type(): string {
    return this.options.job.type;
  }

  get leaseId(): string {
    return this.options.job.lease_id;
  }

  private started(): Promise<void> {
    this.marking ??= this.options.markRunning(this);
    return this.marking;
  }

  /** Stops pending writes; what they would have written goes with the completion instead. */
  settle(): void {
    this.settled = true;
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
  }

  /** The completion of this job, carrying the unwritten state and closing the open step. */
  completion(status: Completion['status'], errorCode?: string, errorMessage?: string): Completion {
    this.settle();
    const openStep = this.state.steps.at(-1);
    if (openStep?.status === 'running') {
      openStep.status = status;
      openStep.endedAt = new Date().toISOString();
      this.dirty = true;
    }
    const final = this.dirty
      ? {
          progress: { done: this.state.done, total: this.state.total, message: this.state.message },
          counters: this.state.counters,
          steps: this.state.steps,
        }
      : {};
    return { id: this.id, leaseId: this.leaseId, status, errorCode, errorMessage, ...final };
  }

  /** Nothing of this job was ever written or is waiting to be: its completion need not wait for `flushed()`. */
  get quiet(): boolean {
    return this.marking === null && this.writesInFlight === 0 && this.pendingMessages.length === 0;
  }

  /**
   * Writes the messages not written yet and waits for any write in flight (a mark included), so the completion
   * cannot be overtaken by an older write nor land before the job's last messages, which a lost connection to the
   * database delays but does not drop.
   */
  async flushed(): Promise<void> {
    await this.chain(async () => {
      await this.marking?.catch(() => {});
      await retryTransient(() => this.saveMessages(), Date.now() + this.options.retryWindowMs, this.options.onError);
    }).catch(this.options.onError);
  }

  // progress, count, step, message and the artifact calls are the handler's, reached through its HandlerContext.
  // The handler's calls check their arguments first (handlerInput.ts), and throw at once when they are wrong.
  progress(done: number, total?: number | null, message?: string | null): void {
    const input = progressInput(done, total, message);
    this.state.done = input.done;
    if (input.total !== undefined) this.state.total = input.total;
    if (input.message !== undefined) this.state.message = input.message;
    this.changed();
  }

  count(counter: string, by: number): void {
    const input = countInput(counter, by);
    const openStep = this.state.steps.at(-1);
    const stepCounters = openStep?.status === 'running' ? openStep.counters : null;
    const total = (this.state.counters[input.counter] ?? 0) + input.by;
    if (total > maxReportedNumber) {
      throw new RangeError(`count(): "${input.counter}" would pass ${maxReportedNumber}; count in larger units.`);
    }
    this.state.counters[input.counter] = total;
    if (stepCounters) stepCounters[input.counter] = (stepCounters[input.counter] ?? 0) + input.by;
    this.changed();
  }

  step(name: string, label: string): Promise<void> {
    const input = stepInput(name, label);
    if (this.settled || this.abandoned) return Promise.resolve();
    if (this.state.steps.length >= maxSteps) {
      throw new RangeError(
        `step(): a job reports at most ${maxSteps} steps ("${input.name}" would be one more); report items with progress() and count().`,
      );
    }
    return this.startStep(input.name, input.label);
  }

  private async startStep(name: string, label: string): Promise<void> {
    const now = new Date().toISOString();
    const previous = this.state.steps.at(-1);
    if (previous?.status === 'running') {
      previous.status = 'succeeded';
      previous.endedAt = now;
    }
    const step: StepRow = {
      name,
      label,
      status: 'running',
      startedAt: now,
      endedAt: null,
      counters: Object.create(null),
    };
    this.state.steps.push(step);
    // A new step shows at once: the report is read by people waiting for it. Unless steps come quicker than the
    // progress interval: each write carries every step, so a loop of 2,000 steps took 25 s writing one at a time.
    if (Date.now() - this.lastWriteAt >= this.options.progressIntervalMs) {
      this.dirty = true;
      await this.write().catch(this.writeFailed);
    } else this.changed();
  }

  message(level: MessageLevel, message: string, item: unknown): Promise<void> {
    const input = messageInput(level === 'warning' ? 'warn()' : `${level}()`, message, item);
    // Once the job has ended its report is final: a late message would land on a job that already reads done.
    if (this.settled || this.abandoned) return Promise.resolve();
    const step = this.state.steps.at(-1);
    this.pendingMessages.push({
      ...input,
      level,
      step: step?.status === 'running' ? step.name : null,
      at: new Date().toISOString(),
    });
    if (this.pendingMessages.length >= maxPendingMessages) return this.write().catch(this.writeFailed);
    this.changed();
    return Promise.resolve();
  }

  readArtifact(name: string): Promise<Uint8Array | null> {
    return readArtifactData(this.options.db, this.id, name);
  }

  saveArtifact(artifact: ArtifactInput): Promise<void> {
    const checked = artifactInput(artifact);
    if (this.settled || this.abandoned) {
      // Unlike a late message, a file the handler means to hand over must not vanish without a word.
      throw new Error(`saveArtifact(): job ${this.id} has ended; "${checked.name}" was not saved.`);
    }
    return this.started().then(() =>
      saveArtifact(this.options.db, this.options.workerId, this.id, this.leaseId, checked),
    );
  }

  private changed(): void {
    this.dirty = true;
    if (this.writeTimer || this.throttledWritePending || this.settled || this.abandoned) return;
    const wait = this.lastWriteAt + this.options.progressIntervalMs - Date.now();
    this.writeTimer = setTimeout(
      () => {
        this.writeTimer = null;
        this.throttledWritePending = true;
        this.write()
          .catch(this.writeFailed)
          .finally(() => {
            this.throttledWritePending = false;
            // What changed while it was written goes with the next write, an interval after this one.
            if (this.dirty) this.changed();
          });
      },
      Math.max(0, wait),
    );
  }

  private write(): Promise<void> {
    return this.chain(async () => {
      // Counted from each attempt, failed ones included, so a database refusing writes is not asked again at once.
      this.lastWriteAt = Date.now();
      await this.saveMessages();
      if (this.dirty && !this.abandoned) {
        await this.started();
        this.dirty = false;
        try {
          await saveProgress(this.options.db, this.options.workerId, this.id, structuredClone(this.state));
        } catch (error) {
          this.dirty = true;
          throw error;
        }
      }
      this.writeFailing = false;
    });
  }

  /**
   * Reports a failed throttled write, once until a write succeeds again: while the database is out of reach, each
   * running job tried every progress interval, and the log got a stack trace for each (62 in 30 s of an outage).
   */
  private readonly writeFailed = (error: unknown): void => {
    if (!this.writeFailing) this.options.onError(error);
    this.writeFailing = true;
  };

  /** Writes run one after another, in the order asked; a failed one does not stop the next. */
  private chain(work: () => Promise<void>): Promise<void> {
    this.writesInFlight++;
    const current = this.writing.then(work).finally(() => {
      this.writesInFlight--;
    });
    this.writing = current.catch(() => {});
    return current;
  }

  private async saveMessages(): Promise<void> {
    if (this.abandoned || this.pendingMessages.length === 0) return;
    await this.started();
    const messages = this.pendingMessages.splice(0);
    try {
      await insertJobMessages(this.options.db, this.options.workerId, this.id, this.leaseId, messages);
    } catch (error) {
      // Kept for the next write (or the one before the completion): a message is never dropped on a failed write.
      this.pendingMessages.unshift(...messages);
      throw error;
    }
  }
}

/**
 * What a handler receives. Its functions work detached (`const { progress } = context`) and are made on first use,
 * then kept on the instance: building all ten (and a getter) for every job cost a third of the worker's CPU in a
 * drain of no-op jobs (bench:queue profile: 40–43% of a core without them, 55–61% with).
 */
class HandlerContext implements JobContext {
  readonly jobId: string;
  readonly params: JsonObject;
  readonly attempt: number;
  readonly userId: string;
  readonly locale: string;

  constructor(
    private readonly job: RunningJob,
    row: ClaimedJobRow,
  ) {
    this.jobId = row.id;
    this.params = row.params;
    this.attempt = row.attempt;
    this.userId = row.user_id;
    this.locale = row.locale;
  }

  get signal(): AbortSignal {
    return this.job.signal;
  }

  get progress(): JobContext['progress'] {
    return this.keep('progress', (done, total, message) => this.job.progress(done, total, message));
  }

  get info(): JobContext['info'] {
    return this.keep('info', (message, item) => this.job.message('info', message, item));
  }

  get warn(): JobContext['warn'] {
    return this.keep('warn', (message, item) => this.job.message('warning', message, item));
  }

  get error(): JobContext['error'] {
    return this.keep('error', (message, item) => this.job.message('error', message, item));
  }

  get step(): JobContext['step'] {
    return this.keep('step', (name, label) => this.job.step(name, label));
  }

  get count(): JobContext['count'] {
    return this.keep('count', (counter, by = 1) => this.job.count(counter, by));
  }

  get saveArtifact(): JobContext['saveArtifact'] {
    return this.keep('saveArtifact', (artifact) => this.job.saveArtifact(artifact));
  }

  get readArtifact(): JobContext['readArtifact'] {
    return this.keep('readArtifact', (name) => this.job.readArtifact(name));
  }

  /** Shadows the getter with the function itself, so later reads are plain property reads. */
  private keep<Name extends keyof JobContext>(name: Name, fn: JobContext[Name]): JobContext[Name] {
    Object.defineProperty(this, name, { value: fn, enumerable: true });
    return fn;
  }
}
