/** How steady a job's rate must be before a time left is shown. */
export interface TimeLeftOptions {
  /** Samples older than this are forgotten, so the estimate follows the recent rate. Default 60,000 ms. */
  windowMs?: number;
  /** The samples kept must span at least this long. Default 3,000 ms. */
  minSpanMs?: number;
  /** At least this many samples. Default 3. */
  minSamples?: number;
  /** The rates of the older and newer halves of the window may differ by at most this fraction. Default 0.5. */
  tolerance?: number;
}

interface Sample {
  at: number;
  done: number;
}

/**
 * Estimates the time left of a job from its progress over time. It answers only once the rate is steady
 * (enough samples, over long enough, the two halves of the window agreeing), because a wild guess that jumps
 * from "2 hours" to "10 seconds" is worse than none.
 */
export class TimeLeftEstimator {
  private samples: Sample[] = [];
  private readonly windowMs: number;
  private readonly minSpanMs: number;
  private readonly minSamples: number;
  private readonly tolerance: number;

  constructor(options: TimeLeftOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.minSpanMs = options.minSpanMs ?? 3_000;
    this.minSamples = options.minSamples ?? 3;
    this.tolerance = options.tolerance ?? 0.5;
  }

  /** Forgets every sample (another job, another attempt). */
  reset(): void {
    this.samples = [];
  }

  /** Records `done` units at time `at` (ms). A step back (a new attempt) starts over. */
  add(done: number, at: number): void {
    const last = this.samples.at(-1);
    if (last && done < last.done) this.samples = [];
    if (last && done === last.done && this.samples.length > 1) return;
    this.samples.push({ at, done });
    this.samples = this.samples.filter((sample) => sample.at >= at - this.windowMs);
  }

  /** Milliseconds left at time `now` to reach `total`, or undefined while the rate is not steady. */
  estimate(total: number | null, now: number): number | undefined {
    const samples = this.samples;
    const first = samples[0];
    const last = samples.at(-1);
    if (total == null || !first || !last || samples.length < this.minSamples) return undefined;
    if (last.at - first.at < this.minSpanMs) return undefined;
    const middle = samples[Math.floor(samples.length / 2)]!;
    const older = rate(first, middle);
    const newer = rate(middle, last);
    const overall = rate(first, last);
    if (!(older > 0 && newer > 0 && overall > 0)) return undefined;
    if (Math.abs(older - newer) / Math.max(older, newer) > this.tolerance) return undefined;
    const left = (total - last.done) / overall - (now - last.at);
    return left >= 1000 ? left : undefined;
  }
}

function rate(from: Sample, to: Sample): number {
  return to.at > from.at ? (to.done - from.done) / (to.at - from.at) : 0;
}
