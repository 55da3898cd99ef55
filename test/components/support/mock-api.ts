/**
 * msw in the page for element tests: default handlers for the whole API, per-test overrides with `api.use()`, a
 * record of every request the elements made, and a live stream the test pushes events into. Every response the
 * elements receive is checked against openapi.yaml by the node side (the wtr `contract` plugin).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { setupWorker } from 'msw/browser';
import { configure } from '../../../components/shared/config.js';
import type { StreamEvent } from '../../../sdk/index.js';
import { alice, bob, jobTypes, me, page } from './fixtures.js';
import { until } from './until.js';

interface Verdict {
  ok: boolean;
  message?: string;
}

export const worker = setupWorker();
let started: Promise<unknown> | undefined;

/** Requests the elements made, in order (`GET /api/jobs?status=processed`). */
export const requests: URL[] = [];
/** Requests whose answer the elements got, in the order they got it. */
export const answered: URL[] = [];
/** Contract violations seen; `afterEach` fails the test when any. */
export const violations: string[] = [];

export async function checkedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  requests.push(new URL(request.url));
  const response = await fetch(request);
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response;
  const body = await response.clone().text();
  const verdict = await executeServerCommand<Verdict, unknown>('check-response', {
    method: request.method,
    url: request.url,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body,
  });
  if (!verdict.ok) violations.push(verdict.message ?? 'contract violation');
  answered.push(new URL(request.url));
  return response;
}

/**
 * An event stream that is open and silent. It answers at once with a body that never ends: a handler that never
 * answers would leave its request pending in the service worker after the element has gone.
 */
export function silentStream(): HttpResponse<ReadableStream> {
  return new HttpResponse(new ReadableStream(), { headers: { 'Content-Type': 'text/event-stream' } });
}

/** The API for `me` with these permissions, everything else empty; tests add what they are about. */
export function defaultHandlers(permissions = me().permissions): RequestHandler[] {
  return [
    http.get('/api/me', () => HttpResponse.json(me(permissions))),
    http.get('/api/job-types', () => HttpResponse.json({ items: jobTypes })),
    http.get('/api/users', () => HttpResponse.json({ items: [alice, bob] })),
    http.get('/api/jobs', () => HttpResponse.json(page([]))),
    // A stream that stays open and says nothing, unless a test installs its own.
    http.get('/api/events', silentStream),
  ];
}

/** Starts the worker once, resets handlers and records, and points the kit at the mocked API. */
export async function resetApi(...handlers: RequestHandler[]): Promise<void> {
  started ??= worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    onUnhandledRequest: 'error',
    quiet: true,
  });
  await started;
  worker.resetHandlers(...handlers, ...defaultHandlers());
  requests.length = 0;
  answered.length = 0;
  violations.length = 0;
  configure({ baseUrl: '/api', fetch: checkedFetch });
}

/**
 * Holds the answers to `GET pathname` until `release()`: a load sent before a live event that answers after it.
 * `sent()` says a held load left; `release()` lets them answer and resolves once an element got the answer and had
 * time to apply it.
 */
export function holdAnswers(pathname: string, answer: () => Response) {
  let open!: () => void;
  const held = new Promise<void>((resolve) => {
    open = resolve;
  });
  worker.use(
    http.get(pathname, async () => {
      await held;
      return answer();
    }),
  );
  const count = (urls: URL[]) => urls.filter((url) => url.pathname === pathname).length;
  const [sentBefore, answeredBefore] = [count(requests), count(answered)];
  return {
    sent: () => count(requests) > sentBefore,
    async release(): Promise<void> {
      open();
      await until(() => count(answered) > answeredBefore, `no answer to ${pathname}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    },
  };
}

/** The `GET /api/jobs` requests made so far. */
export function jobRequests(): URL[] {
  return requests.filter((url) => url.pathname === '/api/jobs');
}

/** A live stream the test writes events into; each event is checked against the contract's `StreamEvent`. */
export function liveStream() {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let opened: () => void;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  let id = 0;
  return {
    handler: http.get('/api/events', () => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
          opened();
        },
      });
      return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
    }),
    /** Resolves once an element has connected to the stream. */
    open,
    async send(event: StreamEvent): Promise<void> {
      const verdict = await executeServerCommand<Verdict, unknown>('check-schema', {
        name: 'StreamEvent',
        value: event,
      });
      if (!verdict.ok) throw new Error(verdict.message);
      id++;
      controller!.enqueue(encoder.encode(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    },
  };
}
