/**
 * One reader of `job_events` per process, whichever host wrote the rows: it polls (every `pollMs` while streams
 * are open, rarely otherwise) and wakes at once on the queue's NOTIFY `jobs_queued` (sent once per enqueuing
 * statement anyway), reads the new batches by ID and hands their events, in order and each once, to `onEvents`
 * (awaited before the next read, so order holds). Polling rather than a NOTIFY per change: one NOTIFY per claim
 * or completion transaction cost the queue about half its throughput (bench:events), a poll of an idle
 * table costs a fraction of a millisecond.
 *
 * Batch IDs come from a sequence, so they are handed out at insert time but become visible at commit: batch 8 can
 * be seen before batch 7 when 7's transaction commits later. Delivering 8 first would let a client resume after 8
 * and never see 7. So the feed stops at a hole and waits until the hole fills, or until every transaction that was
 * running when the hole was first seen has ended: a batch still missing then belongs to a rolled-back transaction
 * and is skipped. Every writer of `job_events` is a trigger on `jobs`, so its transaction already has an xid when
 * the ID is drawn, older than an xid assigned once the hole is seen (`newXid`); once a reading snapshot's xmin has
 * passed that one, every transaction that could fill the hole has ended. (Not the snapshot's own xmax: that is one
 * past the newest *ended* transaction, and a running one may hold an xid at or above it, listed nowhere. Taken for
 * the bound, it let the feed skip the batch of a transaction still running, and lose its events.)
 */
import type { Db } from '../db/types.js';
import { jobsQueuedChannel } from '../queue/notify.js';
import { type EventRow, latestBatch, newXid, readEventsAfter } from './queries.js';

export interface FeedOptions {
  /** How often to read while streams are open: the latency it adds is at most this. Default 25 ms. */
  pollMs?: number;
  /** How often to read while no stream is open (to keep the cursor current). Default 1,000 ms. */
  idlePollMs?: number;
  /** How soon to look again while a hole waits to be filled. Default 5 ms. */
  holeRetryMs?: number;
  /** Batches per read. Default 100. */
  batchSize?: number;
}

export class EventFeed {
  readonly #db: Db;
  readonly #onEvents: (rows: EventRow[]) => Promise<void>;
  readonly #isActive: () => boolean;
  readonly #pollMs: number;
  readonly #idlePollMs: number;
  readonly #holeRetryMs: number;
  readonly #batchSize: number;
  /** Every batch up to here was delivered or is known never to come. */
  #cursor = 0n;
  /** The lowest missing ID, and an xid assigned after it was first seen missing (null until known). */
  #hole: { id: bigint; xidAfter: bigint | null } | null = null;
  #reading: Promise<void> | null = null;
  #readAgain = false;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;
  /** Reads failed in a row (the database out of reach): only the first is logged, and each waits longer. */
  #failures = 0;

  /** `isActive`: whether streams are open (fast polling) or not (slow polling). */
  constructor(
    db: Db,
    onEvents: (rows: EventRow[]) => Promise<void>,
    isActive: () => boolean,
    options: FeedOptions = {},
  ) {
    this.#db = db;
    this.#onEvents = onEvents;
    this.#isActive = isActive;
    this.#pollMs = options.pollMs ?? 25;
    this.#idlePollMs = options.idlePollMs ?? 1000;
    this.#holeRetryMs = options.holeRetryMs ?? 5;
    this.#batchSize = options.batchSize ?? 100;
  }

  /** The last batch (`job_events` row) handed out; a new connection's live events start after it. */
  get cursor(): bigint {
    return this.#cursor;
  }

  async start(): Promise<void> {
    this.#unlisten = await this.#db.listen(jobsQueuedChannel, () => void this.wake());
    this.#cursor = await latestBatch(this.#db);
    this.#schedule(this.#idlePollMs);
  }

  /** Reads now (or right after the read in progress). Resolves once the rows committed before the call are out. */
  wake(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#reading) {
      this.#readAgain = true;
      return this.#reading;
    }
    this.#reading = this.#readLoop().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#reading?.catch(() => {});
    await this.#unlisten?.();
  }

  async #readLoop(): Promise<void> {
    let more = true;
    while (more && !this.#closed) {
      this.#readAgain = false;
      let blocked = false;
      let failed = false;
      try {
        const batch = await readEventsAfter(this.#db, this.#cursor, this.#batchSize);
        this.#failures = 0;
        const { deliver, waiting, cursor } = this.#advance(batch.rows, batch.snapshotXmin);
        blocked = waiting;
        if (this.#hole && this.#hole.xidAfter === null) this.#hole.xidAfter = await newXid(this.#db);
        if (deliver.length > 0) await this.#onEvents(deliver);
        // Only once they are out: if handing them out failed, the next read hands out the same rows again.
        this.#cursor = cursor;
        more = this.#readAgain || (!waiting && new Set(batch.rows.map((row) => row.batch_id)).size === this.#batchSize);
      } catch (error) {
        if (!this.#closed && this.#failures === 0) console.error('live events: reading job_events failed', error);
        this.#failures++;
        failed = true;
        more = false;
      }
      if (more) continue;
      if (failed) this.#schedule(Math.min(this.#pollMs * 2 ** this.#failures, this.#idlePollMs));
      else this.#schedule(blocked ? this.#holeRetryMs : this.#isActive() ? this.#pollMs : this.#idlePollMs);
    }
  }

  /** The rows that follow the cursor without a hole, the cursor after them, and whether a hole stopped them. */
  #advance(rows: EventRow[], xmin: bigint): { deliver: EventRow[]; waiting: boolean; cursor: bigint } {
    const deliver: EventRow[] = [];
    let cursor = this.#cursor;
    for (const row of rows) {
      const id = BigInt(row.batch_id);
      if (id > cursor + 1n) {
        const hole = this.#hole;
        if (hole && hole.id === cursor + 1n && hole.xidAfter !== null && xmin > hole.xidAfter) {
          // Every transaction that could still have written the missing IDs has ended: they will never come.
          this.#hole = null;
        } else {
          if (!hole || hole.id !== cursor + 1n) this.#hole = { id: cursor + 1n, xidAfter: null };
          return { deliver, waiting: true, cursor };
        }
      }
      deliver.push(row);
      cursor = id;
    }
    return { deliver, waiting: false, cursor };
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.wake(), delayMs);
    this.#timer.unref();
  }
}
