/**
 * `GET /events` (the live stream) and `POST /events/token`.
 *
 * These routes authenticate for themselves, because the stream also accepts a stream token (`?token=`) that the
 * app-wide bearer/cookie check does not know: mount them on the API before that check (`mountEvents`).
 *
 * Under @hono/node-server the stream is written straight to the Node response (one synchronous write per event
 * and client, see STACK.md "SSE fan-out"); anywhere else (`app.fetch` in tests, other runtimes) it is a web
 * `ReadableStream` body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AuthFunction, Principal } from '../auth/types.js';
import type { StreamSink } from '../events/hub.js';
import type { Live } from '../events/live.js';
import type { AppEnv } from '../http/env.js';
import { pickLocale } from '../http/locale.js';
import { errorResponse, ProblemError, unauthenticated } from '../http/problem.js';
import { validate, validInput } from '../http/validation.js';

export interface EventRouteDeps {
  live: Live;
  auth: AuthFunction;
  /** A stream that buffers more than this many bytes for a slow client is closed (it resumes). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** More open streams than this for one user in this process answer 429 (a page shares one). Default 50. */
  maxStreamsPerUser?: number;
}

const retryAfterSeconds = 5;

const streamHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
};

/** Adds the routes to `api` (the app under `/api`); call it before the app's own authentication middleware. */
export function mountEvents(api: Hono<AppEnv>, deps: EventRouteDeps): void {
  api.route('/', eventRoutes(deps));
}

export function eventRoutes(deps: EventRouteDeps): Hono<AppEnv> {
  const { live, auth } = deps;
  const maxBufferedBytes = deps.maxBufferedBytes ?? 1024 * 1024;
  const maxStreamsPerUser = deps.maxStreamsPerUser ?? 50;
  const app = new Hono<AppEnv>();
  app.onError((error, c) => errorResponse(error, c.req.method, c.req.path));

  app.post('/events/token', validate('createStreamToken'), async (c) => {
    const principal = await auth(c.req.raw);
    if (!principal) throw unauthenticatedStream();
    return c.json(live.tokens.issue(principal), 201);
  });

  app.get('/events', validate('streamEvents'), async (c) => {
    const { query, header } = validInput(c, 'streamEvents');
    const principal = query.token ? live.tokens.verify(query.token) : await auth(c.req.raw);
    if (!principal) throw unauthenticatedStream();
    if (live.streamsOf(principal.id) >= maxStreamsPerUser) {
      throw new ProblemError(
        429,
        'rate_limited',
        `At most ${maxStreamsPerUser} open streams per user; close one.`,
        undefined,
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
    // Hono answers HEAD with this GET route and drops the body without cancelling it: a stream opened here would
    // stay registered (and count against the user's limit) until the process ends.
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: streamHeaders });
    const lastEventId = (header['last-event-id'] as string | undefined) ?? query.lastEventId;
    const viewer = { principal, locale: pickLocale(c.req.header('accept-language')) };
    const node = nodeBindings(c);
    if (node) {
      try {
        await openOnNodeResponse(node, viewer, lastEventId, deps);
      } catch (error) {
        if (!node.outgoing.headersSent) throw error;
        // Part of the replay went out under a 200, so no problem can follow: the stream ended and the client resumes
        // from its last event. The cause is logged as any route's (the answer it would have had is not sendable).
        errorResponse(error, c.req.method, c.req.path);
      }
      return RESPONSE_ALREADY_SENT;
    }
    return openAsWebStream(viewer, lastEventId, live, maxBufferedBytes);
  });

  return app;
}

function unauthenticatedStream(): ProblemError {
  return unauthenticated('No valid bearer token, session cookie or stream token was sent.');
}

function nodeBindings(c: Context<AppEnv>): { incoming: IncomingMessage; outgoing: ServerResponse } | null {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  return env?.incoming && env.outgoing && typeof env.outgoing.writeHead === 'function'
    ? { incoming: env.incoming, outgoing: env.outgoing }
    : null;
}

type Viewer = { principal: Principal; locale: ReturnType<typeof pickLocale> };

async function openOnNodeResponse(
  { incoming, outgoing }: { incoming: IncomingMessage; outgoing: ServerResponse },
  viewer: Viewer,
  lastEventId: string | undefined,
  deps: EventRouteDeps,
): Promise<void> {
  const maxBufferedBytes = deps.maxBufferedBytes ?? 1024 * 1024;
  // The 200 goes out with the first bytes, not before the stream is open: a stream that cannot open (the database
  // out of reach) answers with its problem (503) as on other runtimes. Sent first, it was a 200 cut short, and
  // Hono's answer to the error then failed with ERR_HTTP_HEADERS_SENT.
  const begin = () => {
    if (outgoing.headersSent) return;
    outgoing.writeHead(200, streamHeaders);
    outgoing.write(': open\n\n');
    incoming.socket?.setNoDelay(true);
  };
  const sink: StreamSink = {
    write(chunk) {
      begin();
      outgoing.write(chunk);
      return outgoing.writableLength <= maxBufferedBytes;
    },
    close() {
      // Before the stream began, the route answers instead (with a problem, when the stream could not open).
      if (!outgoing.headersSent) return;
      // A client that stopped reading is cut, not ended: ending waits for it to read its backlog, so the socket and
      // up to maxBufferedBytes stayed held for as long as it stayed connected, while it could open another stream.
      // It loses nothing: it resumes with Last-Event-ID.
      if (outgoing.writableLength > maxBufferedBytes) outgoing.destroy();
      else if (!outgoing.writableEnded) outgoing.end();
    },
  };
  const connection = await deps.live.open(viewer, lastEventId ? BigInt(lastEventId) : null, sink);
  begin();
  // Closed before it began (the service shutting down meanwhile), it ends here.
  if (connection.closed) {
    if (!outgoing.destroyed && !outgoing.writableEnded) outgoing.end();
  } else if (outgoing.destroyed || outgoing.writableEnded) connection.close();
  else outgoing.once('close', () => connection.close());
}

async function openAsWebStream(
  viewer: Viewer,
  lastEventId: string | undefined,
  live: Live,
  maxBufferedBytes: number,
): Promise<Response> {
  let close: () => void = () => {};
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>(
    {
      start(started) {
        controller = started;
        controller.enqueue(new TextEncoder().encode(': open\n\n'));
      },
      cancel() {
        close();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
  let ended = false;
  const sink: StreamSink = {
    write(chunk) {
      if (ended) return false;
      controller.enqueue(chunk);
      return (controller.desiredSize ?? 0) > -maxBufferedBytes;
    },
    close() {
      if (ended) return;
      ended = true;
      // As on Node: a client too slow to read its backlog loses it at once (it resumes with Last-Event-ID) rather
      // than leaving it queued here for as long as it stays connected.
      if ((controller.desiredSize ?? 0) <= -maxBufferedBytes)
        controller.error(new Error('The client read too slowly.'));
      else controller.close();
    },
  };
  const connection = await live.open(viewer, lastEventId ? BigInt(lastEventId) : null, sink);
  close = () => {
    ended = true;
    connection.close();
  };
  return new Response(body, { status: 200, headers: streamHeaders });
}
