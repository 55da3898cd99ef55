/**
 * The live stream: one fetch-based SSE connection per base URL, shared by every subscriber on the page.
 *
 * fetch rather than `EventSource`, so the client's headers (a bearer token) go with it. SSE is parsed by
 * eventsource-parser parses SSE. The reconnection delay is ours (full jitter, one line): the exponential-backoff
 * package did it first, but it ships CommonJS only, which a browser cannot import unbundled, and it was 7 KB of the
 * SDK's 26 KB minified. Also ours: the sharing, the progress coalescing and the polling fallback.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { JobsApiError } from './errors.js';
import type { Job, JobStatus, StreamEvent } from './types.js';

/**
 * - `connecting`: opening the stream for the first time;
 * - `open`: events flow;
 * - `reconnecting`: the stream dropped or failed to open, waiting to try again;
 * - `polling`: the server refused the stream (or kept failing), changes come from polling `GET /jobs`;
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
   * Reconnection backoff with full jitter: the n-th retry waits a random time up to
   * `min(startingDelay × 2ⁿ, maxDelay)`, and never less than the server's `retry:` field.
   * After `numOfAttempts` failed opens in a row the client falls back to polling.
   * Defaults: 1,000 ms, 30,000 ms, 6 attempts. The count restarts after every successful open.
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
  /** Jobs changed after `updatedAfter`, across pages. */
  changedJobs(updatedAfter: string, signal: AbortSignal): AsyncIterable<Job>;
}

type Listener = (event: StreamEvent) => void;
interface Subscriber {
  listener: Listener;
  onState?: (state: LiveState) => void;
}

/** Thrown to stop retrying: the server refused the caller (401/403). */
class StreamForbidden extends Error {}
/** Thrown to go straight to polling: the server has no stream to offer. */
class StreamRefused extends Error {}

const finishedStatuses: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'interrupted']);

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
  readonly #abort = new AbortController();
  readonly #subscribers = new Set<Subscriber>();
  readonly #pendingProgress = new Map<string, StreamEvent>();
  #cancelFrame: (() => void) | undefined;
  #state: LiveState = 'connecting';
  #lastEventId: string | undefined;
  #retryFloor = 0;
  /** The newest `updatedAt` the server sent, where polling picks up; server time avoids clock skew. */
  #lastUpdatedAt: string | undefined;

  constructor(source: LiveSource) {
    this.#source = source;
  }

  add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
    subscriber.onState?.(this.#state);
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
    const { startingDelay = 1000, maxDelay = 30_000, numOfAttempts = 6 } = this.#source.options.backoff ?? {};
    // Failures to open in a row; a stream that opened and then dropped starts the count again.
    let failures = 0;
    try {
      while (!signal.aborted) {
        try {
          await this.#connectOnce(signal);
          failures = 0;
        } catch (error) {
          if (signal.aborted || error instanceof StreamForbidden || error instanceof StreamRefused) throw error;
          failures += 1;
          if (failures >= numOfAttempts) throw error;
        }
        if (signal.aborted) return;
        this.#setState('reconnecting');
        const fullJitter = Math.random() * Math.min(maxDelay, startingDelay * 2 ** failures);
        await sleep(Math.max(this.#retryFloor, fullJitter), signal);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof StreamForbidden) return this.#setState('stopped');
      // Refused, or failed numOfAttempts times in a row: keep the page current by polling instead.
      await this.#poll(signal);
    }
  }

  /** Opens the stream and reads it until it ends or breaks; throws when it cannot be opened. */
  async #connectOnce(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const response = await this.#source.openStream(this.#lastEventId, signal);
    const { status } = response;
    if (status === 401 || status === 403) throw new StreamForbidden(`stream answered ${status}`);
    const isEventStream = response.headers.get('content-type')?.startsWith('text/event-stream');
    // 404/405/501: this backend has no stream. A 200 that is not an event stream is usually an SPA fallback page.
    if (status === 404 || status === 405 || status === 501 || (response.ok && !isEventStream)) {
      // openapi-fetch has read an error's body already; only an unwanted 200 still holds one open.
      if (response.ok) await response.body?.cancel();
      throw new StreamRefused(`stream answered ${status} ${response.headers.get('content-type')}`);
    }
    if (!response.ok || !response.body) throw new Error(`stream answered ${status}`);
    this.#setState('open');
    await this.#read(response.body, signal);
  }

  async #read(body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
    const parser = createParser({
      onEvent: (message) => this.#receive(message),
      onRetry: (milliseconds) => {
        this.#retryFloor = milliseconds;
      },
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    // fetch cancels its own body on abort; a body from an injected fetch may not, so cancel it here too.
    const cancel = () => void reader.cancel().catch(() => {});
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // A broken connection is a drop like a clean end: the caller reconnects either way.
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  #receive(message: EventSourceMessage): void {
    const event = parseEvent(message.data);
    if (event?.type === 'reset') {
      // After a reset the server may number events afresh (it restarted), so earlier IDs mean nothing.
      this.#lastEventId = message.id;
    } else if (message.id !== undefined) {
      if (this.#lastEventId !== undefined && !isLaterId(message.id, this.#lastEventId)) return;
      this.#lastEventId = message.id;
    }
    if (!event) return;
    if ('job' in event && !(Date.parse(event.job.updatedAt) <= Date.parse(this.#lastUpdatedAt ?? ''))) {
      this.#lastUpdatedAt = event.job.updatedAt;
    }
    this.#dispatch(event);
  }

  #dispatch(event: StreamEvent): void {
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

  #flushProgress(): void {
    const events = [...this.#pendingProgress.values()];
    this.#pendingProgress.clear();
    for (const event of events) this.#deliver(event);
  }

  #deliver(event: StreamEvent): void {
    for (const subscriber of [...this.#subscribers]) {
      // One that unsubscribed while an earlier listener ran must not hear this event.
      if (!this.#subscribers.has(subscriber)) continue;
      try {
        subscriber.listener(event);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }

  #setState(state: LiveState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const subscriber of [...this.#subscribers]) subscriber.onState?.(state);
  }

  /**
   * Polls `GET /jobs?updatedAfter=…` and turns each changed job into the event the stream would have sent:
   * `job.created` for a job created since the last poll, `job.finished` when it reached a final status,
   * `job.updated` otherwise.
   */
  async #poll(signal: AbortSignal): Promise<void> {
    this.#setState('polling');
    const interval = this.#source.options.pollInterval ?? 10_000;
    const overlap = this.#source.options.pollOverlap ?? 5_000;
    const knownStatuses = new Map<string, JobStatus>();
    /** The `updatedAt` of each job handed out within the overlap, so that reading it again hands out nothing. */
    const handedOut = new Map<string, string>();
    let since = this.#lastUpdatedAt ?? new Date().toISOString();
    while (!signal.aborted) {
      try {
        const from = new Date(Date.parse(since) - overlap).toISOString();
        const changed: Job[] = [];
        for await (const job of this.#source.changedJobs(from, signal)) {
          if (handedOut.get(job.id) !== job.updatedAt) changed.push(job);
        }
        changed.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
        for (const job of changed) {
          for (const event of eventsFor(job, knownStatuses.get(job.id), since)) this.#dispatch(event);
          knownStatuses.set(job.id, job.status);
          handedOut.set(job.id, job.updatedAt);
        }
        const newest = changed.at(-1);
        if (newest && Date.parse(newest.updatedAt) > Date.parse(since)) since = newest.updatedAt;
        const forgetBefore = Date.parse(since) - overlap;
        for (const [id, updatedAt] of handedOut) if (Date.parse(updatedAt) < forgetBefore) handedOut.delete(id);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof JobsApiError && (error.status === 401 || error.status === 403)) {
          return this.#setState('stopped');
        }
        // Anything else (network, 5xx) only delays the catch-up: the next poll asks from the same instant.
      }
      await sleep(interval, signal).catch(() => {});
    }
  }
}

function eventsFor(job: Job, previousStatus: JobStatus | undefined, since: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  const isNew = previousStatus === undefined && Date.parse(job.createdAt) > Date.parse(since);
  if (isNew) events.push({ type: 'job.created', job });
  const finishedNow = finishedStatuses.has(job.status) && !finishedStatuses.has(previousStatus ?? '');
  if (finishedNow) events.push({ type: 'job.finished', job });
  else if (!isNew) events.push({ type: 'job.updated', job });
  return events;
}

/** The event in `data`, or undefined when it is not a JSON object with a `type` (skipped, never fatal). */
function parseEvent(data: string): StreamEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as StreamEvent;
    }
  } catch {
    // Not JSON: skipped like any event the client cannot use.
  }
  return undefined;
}

/** Event IDs are increasing decimal strings (contract `EventId`); anything else is not compared. */
function isLaterId(id: string, than: string): boolean {
  if (!/^\d+$/.test(id) || !/^\d+$/.test(than)) return true;
  return id.length !== than.length ? id.length > than.length : id > than;
}

function nextFrame(flush: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(handle);
  }
  const handle = setTimeout(flush, 16);
  return () => clearTimeout(handle);
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (milliseconds <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, milliseconds);
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** Reports an error without breaking the stream: like an event listener's, it surfaces as uncaught. */
function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
