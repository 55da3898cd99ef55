/** A seeded PRNG (mulberry32): demo jobs produce the same result for the same params, so tests can check them. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lets the event loop serve requests between chunks of CPU work. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
