/**
 * The stream half of the live connection: `GET /events` read as server-sent events, reopened with backoff when it
 * drops, and resumed from the last event ID so the server replays what was missed. What to do when the stream is
 * refused (poll) and what becomes of its events (sharing, coalescing) is the connection's business, in live.ts.
 *
 * fetch rather than `EventSource`, so the client's headers (a bearer token) go with it. SSE is parsed by
 * eventsource-parser. The reconnection delay is ours (full jitter, one line): the exponential-backoff
 * package did it first, but it ships CommonJS only, which a browser cannot import unbundled, and it was 7 KB of the
 * SDK's 26 KB minified.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { retryAfterOf } from './errors.js';
import type { LiveSource, LiveState } from './live.js';
import { isLaterId, parseEvent } from './liveEvents.js';
import type { StreamEvent } from './types.js';

/** Thrown to stop retrying: the server refused the caller (401/403). Polling throws it too, for the same answer. */
export class StreamForbidden extends Error {}
/** Thrown to go straight to polling: the server has no stream to offer. */
class StreamRefused extends Error {}
/** Thrown when the stream answered an error that may pass, with the wait the server asked for. */
class StreamUnavailable extends Error {
  constructor(
    status: number,
    readonly retryAfter: number,
  ) {
    super(`stream answered ${status}`);
  }
}

/**
 * The longest wait a `Retry-After` header or a `retry:` field gets: a server asking for hours would otherwise leave
 * the page stale.
 */
export const maxRetryAfter = 5 * 60_000;

/** What the stream tells the connection that reads it. */
export interface StreamHandlers {
  /** The headers of every answer to opening the stream, whatever its status: their `Date` is the server's clock. */
  onAnswer(headers: Headers): void;
  /** The stream is open and about to be read, or it dropped and the next try is waiting. */
  onState(state: Extract<LiveState, 'open' | 'reconnecting'>): void;
  /** Each event the stream sends, except one whose ID is not later than one read already (a replay). */
  onEvent(event: StreamEvent): void;
  /** Polls once; run between opening the stream and reading it when the stream cannot replay the gap. */
  catchUp(signal: AbortSignal): Promise<void>;
}

/**
 * The stream of one connection, opened again after each drop. Between openings it keeps what the server asked the
 * client to keep: the last event ID (sent back as `Last-Event-ID`) and the `retry:` floor of the reconnection delay.
 */
export class ResumableStream {
  readonly #source: LiveSource;
  readonly #handlers: StreamHandlers;
  #lastEventId: string | undefined;
  #retryFloor = 0;

  constructor(source: LiveSource, handlers: StreamHandlers) {
    this.#source = source;
    this.#handlers = handlers;
  }

  /**
   * Reads the stream, reconnecting with backoff, until it is refused or fails `numOfAttempts` times in a row;
   * back from polling, a single failure is enough. Returns whether it sent anything. Throws `StreamForbidden`.
   */
  async readWithBackoff(signal: AbortSignal, afterPolling: boolean): Promise<boolean> {
    const { startingDelay = 1000, maxDelay = 30_000, numOfAttempts = 6 } = this.#source.options.backoff ?? {};
    let failures = afterPolling ? numOfAttempts - 1 : 0;
    let heard = false;
    for (;;) {
      let retryAfter = 0;
      try {
        // Back from polling with no event to resume from, the server replays nothing: a last poll fills the gap.
        const catchUp = afterPolling && !heard && this.#lastEventId === undefined;
        if (await this.#connectOnce(signal, catchUp)) {
          heard = true;
          failures = 0;
        } else {
          // Opened and closed without a word (a server accepting streams and dropping them): not a working stream.
          failures += 1;
        }
      } catch (error) {
        if (signal.aborted || error instanceof StreamForbidden) throw error;
        if (error instanceof StreamRefused) return heard;
        if (error instanceof StreamUnavailable) retryAfter = Math.min(error.retryAfter, maxRetryAfter);
        failures += 1;
      }
      if (failures >= numOfAttempts) return heard;
      signal.throwIfAborted();
      this.#handlers.onState('reconnecting');
      const fullJitter = Math.random() * Math.min(maxDelay, startingDelay * 2 ** failures);
      await sleep(Math.max(this.#retryFloor, retryAfter, fullJitter), signal);
    }
  }

  /**
   * Opens the stream and reads it until it ends, breaks or stays silent for `idleTimeout`; throws when it cannot be
   * opened. With `catchUp`, polls once between opening and reading. Returns whether the stream sent anything.
   */
  async #connectOnce(signal: AbortSignal, catchUp: boolean): Promise<boolean> {
    signal.throwIfAborted();
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', abortAttempt, { once: true });
    const idleTimeout = this.#source.options.idleTimeout ?? 45_000;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const stillAlive = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => attempt.abort(new Error(`stream silent for ${idleTimeout} ms`)), idleTimeout);
    };
    try {
      stillAlive();
      const response = await this.#source.openStream(this.#lastEventId, attempt.signal);
      this.#handlers.onAnswer(response.headers);
      const { status } = response;
      if (status === 401 || status === 403) throw new StreamForbidden(`stream answered ${status}`);
      const isEventStream = response.headers.get('content-type')?.startsWith('text/event-stream');
      // 404/405/501: this backend has no stream. A 200 that is not an event stream is usually an SPA fallback page.
      if (status === 404 || status === 405 || status === 501 || (response.ok && !isEventStream)) {
        // openapi-fetch has read an error's body already; only an unwanted 200 still holds one open.
        if (response.ok) await response.body?.cancel();
        throw new StreamRefused(`stream answered ${status} ${response.headers.get('content-type')}`);
      }
      if (!response.ok || !response.body) throw new StreamUnavailable(status, retryAfterOf(response.headers) ?? 0);
      if (catchUp) {
        // The stream holds what happens from now on while the poll reads what changed before.
        await this.#handlers.catchUp(attempt.signal).catch(async (error: unknown) => {
          await response.body?.cancel();
          throw error;
        });
        stillAlive();
      }
      this.#handlers.onState('open');
      return await this.#read(response.body, attempt.signal, stillAlive);
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', abortAttempt);
    }
  }

  /** Reads the stream until it ends or breaks, calling `stillAlive` at each chunk; returns whether it sent anything. */
  async #read(body: ReadableStream<Uint8Array>, signal: AbortSignal, stillAlive: () => void): Promise<boolean> {
    let heard = false;
    const parser = createParser({
      onEvent: (message) => {
        heard = true;
        this.#receive(message);
      },
      onComment: () => {
        heard = true;
      },
      onRetry: (milliseconds) => {
        this.#retryFloor = Math.min(milliseconds, maxRetryAfter);
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
        if (done) return heard;
        stillAlive();
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // A broken connection is a drop like a clean end: the caller reconnects either way.
      return heard;
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
    if (event) this.#handlers.onEvent(event);
  }
}

/** Waits `milliseconds`; rejects with the signal's reason as soon as it aborts, so no wait outlives its connection. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
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
