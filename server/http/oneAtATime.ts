/**
 * Requests carrying the same `Idempotency-Key`, run one at a time in this process. A retry that arrives while the
 * first request is still running waits for it and then runs, finding what the first one made and replaying it,
 * rather than racing it: racing, each one was charged a new job (and answered 429 past the launch limit) before
 * the database turned it into a replay. Across processes the database still decides; this only spares the race.
 */
export class OneAtATime {
  readonly #running = new Map<string, Promise<unknown>>();

  async run<T>(slot: string, task: () => Promise<T>): Promise<T> {
    for (let first = this.#running.get(slot); first; first = this.#running.get(slot)) await first.catch(() => {});
    const attempt = task();
    this.#running.set(slot, attempt);
    // Registered before any waiter's, so the slot is free by the time they look again.
    attempt.finally(() => this.#running.delete(slot)).catch(() => {});
    return attempt;
  }
}

/** The slot of one caller's key: keys belong to the caller who chose them. */
export const keySlot = (userId: string, key: string) => `${userId}\u0000${key}`;
