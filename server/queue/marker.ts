/**
 * When `jobs` shows a claimed job running. A claim writes no `jobs` row; a job still running
 * `markRunningAfterMs` after its claim is marked by a timer, in one statement with the others then due, and a job
 * about to report (progress, message, artifact) is marked first, with whichever others ask in the same turn of the
 * event loop. A job that ends before either is never marked: its completion writes start and end at once.
 */
import type { Db } from '../db/types.js';
import type { RunningJob } from './context.js';
import { markJobsRunning } from './sql/markJobsRunning.js';

export interface Marker {
  /** A job just claimed: marked once it has run `afterMs`, unless it ends or reports first. */
  track(job: RunningJob): void;
  /** The job ended (or was abandoned): no mark. */
  forget(job: RunningJob): void;
  /** Marks the job now (batched); settles once written. */
  markNow(job: RunningJob): Promise<void>;
  stop(): void;
}

export function createMarker(options: {
  db: Db;
  workerId: string;
  afterMs: number;
  onError: (error: unknown) => void;
}): Marker {
  const { db, workerId, afterMs, onError } = options;
  /** Claimed jobs not yet shown running, in claim order, with when (performance.now()) they were claimed. */
  const unmarked = new Map<RunningJob, number>();
  let timer: NodeJS.Timeout | null = null;
  let next: { jobs: RunningJob[]; written: Promise<void> } | null = null;
  let stopped = false;

  function mark(jobs: RunningJob[]): Promise<void> {
    const written = markJobsRunning(
      db,
      workerId,
      jobs.map((job) => job.id),
      [...new Set(jobs.map((job) => job.leaseId))],
    );
    for (const job of jobs) {
      unmarked.delete(job);
      job.marking = written;
    }
    // A failed mark is retried by the job's next write; its completion writes the start anyway.
    written.catch(() => {
      for (const job of jobs) if (job.marking === written) job.marking = null;
    });
    return written;
  }

  function schedule(): void {
    if (timer || stopped) return;
    const oldest = unmarked.values().next();
    if (oldest.done) return;
    timer = setTimeout(markDue, Math.max(0, oldest.value + afterMs - performance.now()));
  }

  function markDue(): void {
    timer = null;
    const now = performance.now();
    const due: RunningJob[] = [];
    for (const [job, claimedAt] of unmarked) {
      if (claimedAt + afterMs > now) break;
      due.push(job);
    }
    if (due.length > 0) mark(due).catch(onError);
    schedule();
  }

  return {
    track(job) {
      unmarked.set(job, performance.now());
      schedule();
    },
    forget(job) {
      unmarked.delete(job);
    },
    markNow(job) {
      unmarked.delete(job);
      if (!next) {
        const jobs: RunningJob[] = [];
        const written = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          next = null;
          return mark(jobs);
        });
        next = { jobs, written };
      }
      next.jobs.push(job);
      return next.written;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
