/**
 * What a worker knows of its leases (007_claims_into_leases.sql): which of their jobs it still runs, and which of
 * its statements that end jobs (completions, forced interrupts) are in flight with them. Those statements lock the
 * lease `for key share`, or delete it when they end its last jobs (sql/leases.ts). A lease may be deleted only by a
 * statement that no other statement touching it can overtake: statements run on several connections at once, and
 * one that found its lease deleted by a later one would end none of its jobs. So the last jobs' statement deletes the
 * lease only when it is the only one in flight for it; otherwise the lease is dropped by a later flush.
 */
export interface LeasePlan {
  /** Leases this statement deletes: none of their jobs runs, and no other statement touches them. */
  finished: string[];
  /** Leases this statement locks: jobs of theirs still run, or other statements touch them. */
  kept: string[];
}

/** A job of a lease, as a statement ends it. */
export interface LeasedJob {
  leaseId: string;
  id: string;
}

interface Lease {
  /** Jobs of the lease this worker runs, or whose end waits to be written. */
  running: Set<string>;
  /** Statements in flight that touch the lease. */
  inFlight: number;
  /** A statement touching it failed: its jobs' ends were not written, so the lease must lapse to be recovered. */
  failed: boolean;
}

export class LeaseBook {
  private readonly leases = new Map<string, Lease>();
  /** Leases whose last jobs are written, to be deleted by the next flush. */
  private readonly droppable = new Set<string>();

  /** A claimed or handed-over job of `leaseId` starts running here. */
  hold(job: LeasedJob): void {
    let lease = this.leases.get(job.leaseId);
    if (!lease) {
      lease = { running: new Set(), inFlight: 0, failed: false };
      this.leases.set(job.leaseId, lease);
    }
    lease.running.add(job.id);
  }

  /** The lease was recovered by another worker (this one's renewal lapsed): nothing of it is written any more. */
  forget(leaseId: string): void {
    this.leases.delete(leaseId);
    this.droppable.delete(leaseId);
  }

  has(leaseId: string): boolean {
    return this.leases.has(leaseId);
  }

  /** Leases the heartbeat renews: jobs of theirs run here or have their end in flight. */
  renewable(): string[] {
    return [...this.leases]
      .filter(([, lease]) => lease.running.size > 0 || lease.inFlight > 0)
      .map(([leaseId]) => leaseId);
  }

  /** Leases that hold nothing but could not be deleted (a failed statement): they lapse and are recovered. */
  lapsing(): string[] {
    return [...this.leases]
      .filter(([, lease]) => lease.failed && lease.running.size === 0 && lease.inFlight === 0)
      .map(([leaseId]) => leaseId);
  }

  /** Whether a flush has leases to delete even without a job to end. */
  get hasDroppable(): boolean {
    return this.droppable.size > 0;
  }

  /**
   * Plans the statements of one flush, each ending `jobs`: their jobs stop counting as running, and each statement
   * learns which leases it deletes and which it locks. Leases left to drop ride on the first statement.
   */
  plan(statements: LeasedJob[][]): LeasePlan[] {
    const touches = new Map<string, number>();
    for (const jobs of statements) {
      for (const leaseId of new Set(jobs.map((job) => job.leaseId)))
        touches.set(leaseId, (touches.get(leaseId) ?? 0) + 1);
      for (const job of jobs) this.leases.get(job.leaseId)?.running.delete(job.id);
    }
    const plans = statements.map((jobs) => {
      const plan: LeasePlan = { finished: [], kept: [] };
      for (const leaseId of new Set(jobs.map((job) => job.leaseId))) {
        const lease = this.leases.get(leaseId);
        const alone = lease && lease.running.size === 0 && lease.inFlight === 0 && !lease.failed;
        (alone && touches.get(leaseId) === 1 ? plan.finished : plan.kept).push(leaseId);
      }
      return plan;
    });
    if (plans[0]) {
      plans[0].finished.push(...this.droppable);
      this.droppable.clear();
    }
    for (const [leaseId, count] of touches) {
      const lease = this.leases.get(leaseId);
      if (lease) lease.inFlight += count;
    }
    return plans;
  }

  /** A planned statement returned (`written`) or failed. */
  settled(plan: LeasePlan, written: boolean): void {
    for (const leaseId of plan.finished) {
      const lease = this.leases.get(leaseId);
      if (written) this.leases.delete(leaseId);
      else if (lease) {
        lease.inFlight = Math.max(0, lease.inFlight - 1);
        lease.failed = true;
      }
    }
    for (const leaseId of plan.kept) {
      const lease = this.leases.get(leaseId);
      if (!lease) continue;
      lease.inFlight--;
      if (!written) lease.failed = true;
      if (lease.running.size === 0 && lease.inFlight === 0 && !lease.failed) this.droppable.add(leaseId);
    }
  }
}
