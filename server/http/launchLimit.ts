/**
 * A per-user limit on new jobs: launches and requeues, a bulk requeue counting each job. A token bucket: up to
 * `perMinute` at once, then one more every 60/`perMinute` seconds. Kept in this process, so behind N API processes
 * a user may queue up to N times the rate; that still bounds what one runaway client or script can queue.
 */
import { ProblemError } from './problem.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** `create` charged to `limit` when there is one (LaunchLimit.charged). */
export function chargedToLimit<T>(
  limit: LaunchLimit | null | undefined,
  userId: string,
  create: () => Promise<T>,
): Promise<T> {
  return limit ? limit.charged(userId, create) : create();
}

/** Past this many users remembered, buckets that have refilled are dropped (they hold nothing a new one would not). */
const maxRemembered = 10_000;

export class LaunchLimit {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#perMs = perMinute / 60_000;
  }

  /** Takes one new job from the user's allowance, or throws 429 `rate_limited` saying when to retry. */
  take(userId: string): void {
    const now = this.now();
    const tokens = this.#tokens(this.#buckets.get(userId), now);
    if (tokens < 1) {
      const retryAfter = Math.ceil((1 - tokens) / this.#perMs / 1000);
      throw new ProblemError(
        429,
        'rate_limited',
        `At most ${this.perMinute} new job${this.perMinute === 1 ? '' : 's'} a minute; retry in ${retryAfter} s.`,
        undefined,
        { 'retry-after': String(retryAfter) },
      );
    }
    this.#buckets.set(userId, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > maxRemembered) this.#forgetRefilled(now);
  }

  /**
   * Runs `create`, charged one new job: the allowance is given back if it throws (a 409, a lost race answered as a
   * replay, a database out of reach), so only jobs actually queued count against it.
   */
  async charged<T>(userId: string, create: () => Promise<T>): Promise<T> {
    this.take(userId);
    try {
      return await create();
    } catch (error) {
      const bucket = this.#buckets.get(userId);
      if (bucket) bucket.tokens = Math.min(this.perMinute, bucket.tokens + 1);
      throw error;
    }
  }

  #tokens(bucket: Bucket | undefined, now: number): number {
    return bucket ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.#perMs) : this.perMinute;
  }

  #forgetRefilled(now: number): void {
    for (const [userId, bucket] of this.#buckets) {
      if (this.#tokens(bucket, now) >= this.perMinute) this.#buckets.delete(userId);
    }
  }
}
