/**
 * The live connection: one per base URL, shared by every subscriber on the page. It reads the stream (liveStream.ts
 * reopens and resumes it), polls when the stream is refused or keeps failing, and hands out the events of both,
 * skipping what one already told, with progress coalesced per frame.
 */
import { JobsApiError } from './errors.js';
import { eventsFor, finishedStatuses, serverTimeOf } from './liveEvents.js';
import { maxRetryAfter, ResumableStream, StreamForbidden, sleep } from './liveStream.js';
import type { Job, JobStatus, StreamEvent } from './types.js';

/**
 * - `connecting`: opening the stream for the first time;
 * - `open`: events flow;
 * - `reconnecting`: the stream dropped or failed to open, waiting to try again;
 * - `polling`: the server refused the stream (or kept failing), changes come from polling `GET /jobs`; the stream is
 *   tried again now and then, and replaces polling once it works;
 * - `stopped`: the server said 401/403; nothing more will come until every subscriber leaves and one comes back.
 */
export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'stopped';

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Told the connection's state now and at every change, e.g. to show "live" or "offline". */
  onState?: (state: LiveState) => void;
}

/** Tuning of the live stream; every field has a default fit for production. */
export interface LiveOptions {
  /** Milliseconds between polls of `GET /jobs` once the stream is refused. Default 10,000. */
  pollInterval?: number;
  /**
   * How far before the newest `updatedAt` seen each poll asks again, in milliseconds. A change is stamped when its
   * transaction starts but seen when it commits, so one can appear after a later-stamped one was already read;
   * jobs seen again unchanged are skipped. Default 5,000.
   */
  pollOverlap?: number;
  /**
   * While polling, milliseconds until the stream is tried again; each failed try doubles the wait, up to 10 minutes
   * (or up to this interval, when it is longer). Default 60,000.
   */
  streamRetryInterval?: number;
  /**
   * Milliseconds without a byte on the stream, or without an answer to opening it, after which it is taken for dead
   * (a proxy or NAT dropped it without closing it) and reopened. Default 45,000: three of the `: heartbeat` comments
   * the contract asks servers to send every 15 s.
   */
  idleTimeout?: number;
  /**
   * Reconnection backoff with full jitter: the n-th retry waits a random time up to
   * `min(startingDelay × 2ⁿ, maxDelay)`, and never less than the server's `retry:` field or, after a 429 or 503, its
   * `Retry-After` (up to 5 minutes). After `numOfAttempts` failures in a row the client falls back to polling.
   * Defaults: 1,000 ms, 30,000 ms, 6 attempts. A stream that opens and ends without sending anything counts as a
   * failure; the count restarts once a stream has sent something (an event or a heartbeat).
   */
  backoff?: { startingDelay?: number; maxDelay?: number; numOfAttempts?: number };
  /**
   * Runs `flush` at the next frame and returns a cancel function. Coalesced progress is delivered then.
   * Default: `requestAnimationFrame`, or a 16 ms timer where there is none.
   */
  scheduleFrame?: (flush: () => void) => () => void;
}

/** What a connection needs from the client that opened it. */
export interface LiveSource {
  readonly baseUrl: string;
  readonly options: LiveOptions;
  /** `GET /events` with the client's headers; the body is left unread. */
  openStream(lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
  /** Jobs changed after `updatedAfter`, across pages, with the answer to the first page (for its `Date`). */
  changedJobs(updatedAfter: string, signal: AbortSignal): Promise<{ jobs: Job[]; response: Response }>;
}

type Listener = (event: StreamEvent) => void;
interface Subscriber {
  listener: Listener;
  onState?: (state: LiveState) => void;
}

/** The state of a job last handed out to the listeners. */
interface HandedOut {
  status: JobStatus;
  updatedAt: string;
  /** Handed out by polling, so a replay of it by a stream resumed after polling is old news. */
  byPolling: boolean;
}

/** The longest wait between tries of the stream while polling. */
const maxStreamRetryInterval = 10 * 60_000;
/** How many finished jobs a connection remembers, to drop progress replayed for them (a few dozen kB). */
const rememberedFinishedJobs = 1_000;

/** The only page-wide state of the SDK: the open connections, by base URL. */
const connections = new Map<string, LiveConnection>();

/** Subscribes to the shared connection of `source.baseUrl`, opening it if it is the first subscriber. */
export function subscribeLive(source: LiveSource, listener: Listener, options: SubscribeOptions = {}): () => void {
  let connection = connections.get(source.baseUrl);
  const opening = !connection;
  if (!connection) {
    connection = new LiveConnection(source);
    connections.set(source.baseUrl, connection);
  }
  const subscriber: Subscriber = { listener, onState: options.onState };
  connection.add(subscriber);
  if (opening) connection.start();
  const joined = connection;
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    if (joined.remove(subscriber) > 0) return;
    joined.close();
    if (connections.get(source.baseUrl) === joined) connections.delete(source.baseUrl);
  };
}

/**
 * Ends the shared connection of `baseUrl` for every subscriber, e.g. when the signed-in user changes: the stream was
 * opened with the old user's headers. Its subscribers are told `stopped`; the next `subscribe()` opens a new one.
 */
export function closeLive(baseUrl: string): void {
  const connection = connections.get(baseUrl);
  if (!connection) return;
  connections.delete(baseUrl);
  connection.stop();
}

class LiveConnection {
  readonly #source: LiveSource;
  readonly #stream: ResumableStream;
  readonly #abort = new AbortController();
  readonly #subscribers = new Set<Subscriber>();
  readonly #pendingProgress = new Map<string, StreamEvent>();
  #cancelFrame: (() => void) | undefined;
  #state: LiveState = 'connecting';
  /**
   * The newest `updatedAt` the server sent, else its clock (`Date` header) when it first answered: where polling
   * picks up. Server time, so that the client's clock being off loses no change.
   */
  #lastUpdatedAt: string | undefined;
  /**
   * The state last handed out of each job changed within `pollOverlap` of `#lastUpdatedAt`, in about the order of
   * their `updatedAt`: polling skips what was handed out already, and a stream resumed after polling what polling told.
   */
  readonly #handedOut = new Map<string, HandedOut>();
  /**
   * Every change stamped up to this instant has been handed out by polling (or a later state of its job): the
   * newest `updatedAt` polling handed out, less `pollOverlap`. Server time only; never the client's clock.
   */
  #polledUpTo: number | undefined;
  /**
   * Jobs handed out as finished, the latest `rememberedFinishedJobs`, kept longer than `#handedOut`: a stream resumed
   * after polling replays progress from before a job ended, which would undo its end however long ago that was.
   */
  readonly #finished = new Set<string>();
  /** Whether any job's state was handed out: `#lastUpdatedAt` is then a change's stamp, not the subscription's clock. */
  #toldAny = false;

  constructor(source: LiveSource) {
    this.#source = source;
    this.#stream = new ResumableStream(source, {
      onAnswer: (headers) => {
        this.#lastUpdatedAt ??= serverTimeOf(headers);
      },
      onState: (state) => this.#setState(state),
      onEvent: (event) => this.#receive(event),
      catchUp: (signal) => this.#catchUp(signal),
    });
  }

  add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
    callSafely(() => subscriber.onState?.(this.#state));
  }

  /** Returns how many subscribers remain. */
  remove(subscriber: Subscriber): number {
    this.#subscribers.delete(subscriber);
    return this.#subscribers.size;
  }

  start(): void {
    this.#run().catch(rethrowLater);
  }

  /** Closes the connection and tells the subscribers still attached. */
  stop(): void {
    this.close();
    this.#setState('stopped');
  }

  close(): void {
    this.#abort.abort();
    this.#cancelFrame?.();
    this.#pendingProgress.clear();
  }

  async #run(): Promise<void> {
    const { signal } = this.#abort;
    const retryInterval = this.#source.options.streamRetryInterval ?? 60_000;
    // Polling spells in a row with no word from the stream in between; each one doubles the wait for the next try.
    let spells = 0;
    try {
      for (;;) {
        if (await this.#stream.readWithBackoff(signal, spells > 0)) spells = 0;
        // Refused, or failed too often in a row: keep the page current by polling, and try the stream again later.
        await this.#poll(
          signal,
          Math.min(retryInterval * 2 ** spells, Math.max(retryInterval, maxStreamRetryInterval)),
        );
        spells += 1;
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof StreamForbidden) return this.#setState('stopped');
      throw error;
    }
  }

  /** Hands out an event of the stream, unless polling told it already. */
  #receive(event: StreamEvent): void {
    if (this.#toldByPolling(event)) return;
    this.#dispatch(event);
    if ('job' in event) this.#remember(event.job, false);
  }

  /** Whether polling already handed out what this event tells: a stream resumed after polling replays it. */
  #toldByPolling(event: StreamEvent): boolean {
    if (this.#polledUpTo === undefined) return false;
    if (event.type === 'job.progress') {
      // Progress replayed from before the job's end would undo it.
      const known = this.#handedOut.get(event.jobId);
      return known?.byPolling === true && finishedStatuses.has(known.status);
    }
    if (!('job' in event)) return false;
    const stamp = Date.parse(event.job.updatedAt);
    const known = this.#handedOut.get(event.job.id);
    return stamp <= this.#polledUpTo || (known?.byPolling === true && stamp <= Date.parse(known.updatedAt));
  }

  /** Records the job's state as handed out, moves `#lastUpdatedAt` on, and forgets states older than the overlap. */
  #remember(job: Job, byPolling: boolean): void {
    this.#toldAny = true;
    // Deleted first, so that the map stays in about the order of `updatedAt` and is pruned from its start.
    this.#handedOut.delete(job.id);
    this.#handedOut.set(job.id, { status: job.status, updatedAt: job.updatedAt, byPolling });
    if (!(Date.parse(job.updatedAt) <= Date.parse(this.#lastUpdatedAt ?? ''))) this.#lastUpdatedAt = job.updatedAt;
    const overlap = this.#source.options.pollOverlap ?? 5_000;
    if (byPolling) this.#polledUpTo = Math.max(this.#polledUpTo ?? -Infinity, Date.parse(job.updatedAt) - overlap);
    const forgetBefore = Date.parse(this.#lastUpdatedAt ?? '') - overlap;
    for (const [id, state] of this.#handedOut) {
      if (!(Date.parse(state.updatedAt) < forgetBefore)) break;
      this.#handedOut.delete(id);
    }
  }

  #dispatch(event: StreamEvent): void {
    if (event.type === 'job.progress' && this.#finished.has(event.jobId)) return;
    if ('job' in event && finishedStatuses.has(event.job.status)) this.#rememberFinished(event.job.id);
    if (event.type === 'job.progress') {
      this.#pendingProgress.set(event.jobId, event);
      this.#cancelFrame ??= (this.#source.options.scheduleFrame ?? nextFrame)(() => {
        this.#cancelFrame = undefined;
        this.#flushProgress();
      });
      return;
    }
    // Pending progress of the job goes first, so a listener never sees progress after the job finished.
    if (event.type === 'reset') this.#flushProgress();
    else {
      const jobId = 'jobId' in event ? event.jobId : 'job' in event ? event.job.id : undefined;
      const pending = jobId === undefined ? undefined : this.#pendingProgress.get(jobId);
      if (pending && jobId !== undefined) {
        this.#pendingProgress.delete(jobId);
        this.#deliver(pending);
      }
    }
    this.#deliver(event);
  }

  #rememberFinished(jobId: string): void {
    this.#finished.delete(jobId);
    this.#finished.add(jobId);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.#finished.size > rememberedFinishedJobs) this.#finished.delete(this.#finished.values().next().value!);
  }

  #flushProgress(): void {
    const events = [...this.#pendingProgress.values()];
    this.#pendingProgress.clear();
    for (const event of events) this.#deliver(event);
  }

  #deliver(event: StreamEvent): void {
    for (const subscriber of [...this.#subscribers]) {
      // Once a listener closed the connection (closeLive), nobody hears more, the rest of a chunk or poll included.
      if (this.#abort.signal.aborted) return;
      // One that unsubscribed while an earlier listener ran must not hear this event.
      if (!this.#subscribers.has(subscriber)) continue;
      callSafely(() => subscriber.listener(event));
    }
  }

  #setState(state: LiveState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const subscriber of [...this.#subscribers]) callSafely(() => subscriber.onState?.(state));
  }

  /** Polls for `duration` milliseconds, then returns so that the stream is tried again. Throws `StreamForbidden`. */
  async #poll(signal: AbortSignal, duration: number): Promise<void> {
    this.#setState('polling');
    const interval = this.#source.options.pollInterval ?? 10_000;
    const until = performance.now() + duration;
    for (;;) {
      let wait = interval;
      try {
        await this.#pollOnce(signal);
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof JobsApiError && (error.status === 401 || error.status === 403)) {
          throw new StreamForbidden(`polling answered ${error.status}`);
        }
        // Anything else (network, 5xx) only delays the catch-up: the next poll asks from the same instant.
        if (error instanceof JobsApiError && error.retryAfter)
          wait = Math.max(wait, Math.min(error.retryAfter, maxRetryAfter));
      }
      const left = until - performance.now();
      if (left <= 0) return;
      await sleep(Math.min(wait, left), signal);
    }
  }

  /**
   * Back on a stream that replays nothing (no event ID to resume from): a last poll tells what changed, and a
   * `reset` has what is shown reloaded, since polling never sees a job deleted.
   */
  async #catchUp(signal: AbortSignal): Promise<void> {
    await this.#pollOnce(signal);
    this.#dispatch({ type: 'reset', reason: 'resumed_after_polling' });
  }

  /**
   * Polls `GET /jobs?updatedAfter=…` once and turns each changed job into the event the stream would have sent:
   * `job.created` for a job created since the last poll, `job.finished` when it reached a final status,
   * `job.updated` otherwise.
   */
  async #pollOnce(signal: AbortSignal): Promise<void> {
    const overlap = this.#source.options.pollOverlap ?? 5_000;
    // The server's clock is unknown until it answers: ask by the client's this once, the answer's Date corrects it.
    const asked = this.#lastUpdatedAt ?? new Date().toISOString();
    const answer = await this.#source.changedJobs(new Date(Date.parse(asked) - overlap).toISOString(), signal);
    this.#lastUpdatedAt ??= serverTimeOf(answer.response.headers) ?? asked;
    const since = Date.parse(this.#lastUpdatedAt);
    const changed = answer.jobs.filter(
      (job) => Date.parse(job.updatedAt) > since - overlap && this.#handedOut.get(job.id)?.updatedAt !== job.updatedAt,
    );
    changed.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
    // Read before any of them is remembered: remembering moves the overlap on and forgets the states behind it,
    // a job's earlier end among them, which would then be told again.
    const previous = new Map(changed.map((job) => [job.id, this.#handedOut.get(job.id)?.status]));
    // Picking up from a change already told, a launch stamped up to the overlap before it may have committed after
    // it was read: news. Picking up from the subscription's clock, a launch before it is what the page loaded.
    const newAfter = this.#toldAny ? since - overlap : since;
    for (const job of changed) {
      for (const event of eventsFor(job, previous.get(job.id), since, overlap, newAfter)) this.#dispatch(event);
      this.#remember(job, true);
    }
  }
}

function nextFrame(flush: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(handle);
  }
  const handle = setTimeout(flush, 16);
  return () => clearTimeout(handle);
}

/** Reports an error without breaking the stream: like an event listener's, it surfaces as uncaught. */
function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}

/** Calls a subscriber's callback; what it throws is reported and stops neither the other subscribers nor the stream. */
function callSafely(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    rethrowLater(error);
  }
}
