/**
 * Shared by the live-events, notifications and mail tests: the app as `createApp` builds it with the live service,
 * and an SSE reader that checks every event.
 */
import { createParser } from 'eventsource-parser';
import type { Hono } from 'hono';
import { createApp } from '../../server/app.js';
import { loadUsers, staticDirectory, tokenAuth } from '../../server/auth/tokens.js';
import type { Db } from '../../server/db/types.js';
import { type Live, type LiveOptions, startLive } from '../../server/events/live.js';
import type { AppEnv } from '../../server/http/env.js';
import type { JobHandler, JobTypeDefinition } from '../../server/queue/types.js';
import type { EventRouteDeps } from '../../server/routes/events.js';
import { contractChecked, validateSchema } from '../support/contract.js';
import { type DemoUser, demoTokens } from '../support/demoUsers.js';
import { jobType as plainJobType } from './fixtures.js';

export type { DemoUser as UserName } from '../support/demoUsers.js';
export const bearer = (user: DemoUser) => ({ authorization: `Bearer ${demoTokens[user]}` });

/** A made-up job type whose labels say their language, so tests see which one a viewer got. */
export function jobType(type: string, handler: JobHandler, extra: Partial<JobTypeDefinition> = {}): JobTypeDefinition {
  return plainJobType(type, handler, { label: { en: `${type} (en)`, fr: `${type} (fr)` }, ...extra });
}

export interface LiveWorld {
  app: Hono<AppEnv>;
  live: Live;
  /** `app.fetch` with every response checked against the contract. */
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}

/** The app on `db` with the live routes. */
export async function liveWorld(
  db: Db,
  jobTypes: JobTypeDefinition[],
  options: Partial<LiveOptions> = {},
  routeOptions: Pick<EventRouteDeps, 'maxStreamsPerUser'> = {},
): Promise<LiveWorld> {
  const users = await loadUsers();
  const auth = tokenAuth(users);
  const live = await startLive({ db, jobTypes, ...options });
  const app = createApp({ db, auth, jobTypes, users: staticDirectory(users), live, ...routeOptions });
  return {
    app,
    live,
    fetch: contractChecked((request) => app.fetch(request)),
    close: () => live.close(),
  };
}

export interface ReceivedEvent {
  id: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read whichever shape the event has
  data: any;
}

/** One open SSE stream: every event is checked against `StreamEvent`, and IDs must increase. */
export class TestStream {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  readonly #abort = new AbortController();
  #waiters = new Set<() => void>();
  #ended = false;
  error: unknown = null;

  static async open(
    fetchImpl: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>,
    url: string,
    headers: Record<string, string> = {},
  ): Promise<TestStream> {
    const stream = new TestStream();
    const absolute = url.startsWith('http') ? url : `http://localhost${url}`;
    const response = await fetchImpl(absolute, { headers, signal: stream.#abort.signal });
    if (response.status !== 200) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
    stream.#read(response.body!);
    return stream;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (message) => {
        try {
          const data = JSON.parse(message.data);
          validateSchema('StreamEvent', data);
          if (message.event !== data.type) throw new Error(`event: ${message.event} but type ${data.type}`);
          const previous = this.events.at(-1);
          if (!message.id || (previous && BigInt(message.id) <= BigInt(previous.id))) {
            throw new Error(`event ID ${message.id} after ${previous?.id}`);
          }
          this.events.push({ id: message.id, event: message.event!, data });
        } catch (error) {
          this.error ??= error;
        }
        this.#notify();
      },
      onComment: (comment) => {
        this.comments.push(comment.trim());
        this.#notify();
      },
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    // app.fetch does not tie the body to the request's signal as a network fetch would.
    this.#abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // Aborted by close().
    }
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    for (const waiter of this.#waiters) waiter();
  }

  /** Waits until `check` holds over what arrived; fails after `timeoutMs` with what did arrive. */
  async until(check: (stream: TestStream) => boolean, timeoutMs = 5000): Promise<void> {
    if (this.error) throw this.error;
    if (check(this)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`stream: timed out; got ${JSON.stringify(this.events.map((e) => [e.id, e.event]))}`));
      }, timeoutMs);
      const waiter = () => {
        if (this.error) {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(this.error);
        } else if (check(this)) {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        } else if (this.#ended) {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(new Error(`stream ended; got ${JSON.stringify(this.events.map((e) => [e.id, e.event]))}`));
        }
      };
      this.#waiters.add(waiter);
    });
  }

  /** Events about one job, as `type:status` (or `type` when the event carries no job). */
  trail(jobId: string): string[] {
    return this.events
      .filter((e) => (e.data.job?.id ?? e.data.jobId ?? e.data.notification?.jobId) === jobId)
      .map((e) => (e.data.job ? `${e.event}:${e.data.job.status}` : e.event));
  }

  close(): void {
    this.#abort.abort();
  }
}
