export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/**
 * Milliseconds on the machine's monotonic clock, which every process shares: stamps taken in two processes compare.
 * `performance.timeOrigin + performance.now()` does not: each process anchors it to the wall clock when it starts,
 * and two processes disagreed by a few tenths of a millisecond (a floor sample came out negative).
 */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
