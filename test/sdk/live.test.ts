import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  createJobsClient,
  type Job,
  type JobsClientOptions,
  type LiveState,
  type StreamEvent,
} from '../../sdk/index.js';
import { FakeEventStream, type Handler, json, problem, recordingFetch } from '../support/fake-stream.js';
import { job, progressEvent } from './fixtures.js';

let testNumber = 0;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Each test gets its own base URL, hence its own shared connection. */
function freshBaseUrl(): string {
  return `http://live-${++testNumber}.test/api`;
}

/** A frame scheduler the test runs by hand, so coalescing does not depend on timing. */
function manualFrames() {
  const queue = new Set<() => void>();
  return {
    scheduleFrame: (flush: () => void) => {
      queue.add(flush);
      return () => queue.delete(flush);
    },
    run() {
      const flushes = [...queue];
      queue.clear();
      for (const flush of flushes) flush();
    },
  };
}

/** Waits for a condition the code under test reaches asynchronously; fails after a deadline, never sleeps blindly. */
async function waitFor(condition: () => boolean, what: string, withinMs = 2000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A fake API whose `/events` answers come from `events` (default: a new stream each time). */
function fakeApi(events?: Handler, others: Handler = () => problem(404, 'not_found')) {
  const streams: FakeEventStream[] = [];
  const openStream = () => {
    const stream = new FakeEventStream();
    streams.push(stream);
    return stream.response;
  };
  const { fetch, requests } = recordingFetch((request) =>
    new URL(request.url).pathname === '/api/events' ? (events ?? openStream)(request) : others(request),
  );
  const streamRequests = () => requests.filter((request) => new URL(request.url).pathname === '/api/events');
  return { fetch, requests, streams, streamRequests };
}

function listen(options: JobsClientOptions) {
  const events: StreamEvent[] = [];
  const states: LiveState[] = [];
  const unsubscribe = createJobsClient(options).subscribe((event) => events.push(event), {
    onState: (state) => states.push(state),
  });
  cleanups.push(unsubscribe);
  return { events, states, unsubscribe };
}

const fastBackoff = { startingDelay: 1, maxDelay: 2 };
const updated = (id: string, updatedAt = '2026-11-23T09:15:30Z') => ({
  type: 'job.updated',
  job: job({ id, updatedAt }),
});
const idsOf = (events: StreamEvent[]) => events.map((event) => ('job' in event ? event.job.id : event.type));
const pageOf = (...jobs: ReturnType<typeof job>[]) =>
  json({ items: jobs, nextCursor: null, total: { value: jobs.length, exact: true } });
const typesAndIds = (events: StreamEvent[]) =>
  events.map((event) => `${event.type} ${'job' in event ? event.job.id : 'jobId' in event ? event.jobId : ''}`);

/** The same answer with more headers (Date, Retry-After), which the fake stream and problem() do not set. */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

/** One SSE frame, as FakeEventStream.send writes it, to put several in one write. */
function sseFrame(data: { type: string }, id: string): string {
  return `id: ${id}\nevent: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Collects what the SDK reports as uncaught (a listener's exception, rethrown outside the stream's loop), so the
 * test can check it instead of the runner failing on it.
 */
function captureUncaught(): unknown[] {
  const reported: unknown[] = [];
  process.setUncaughtExceptionCaptureCallback((error) => reported.push(error));
  cleanups.push(() => process.setUncaughtExceptionCaptureCallback(null));
  return reported;
}

describe('subscribe(): reconnection', () => {
  test('after a dropped connection it resumes with Last-Event-ID, delivering no event twice', async () => {
    const api = fakeApi();
    const { events, states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff } });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.send(updated('1'), { id: '1' });
    api.streams[0]!.send(updated('2'), { id: '2' });
    await waitFor(() => events.length === 2, 'two events');
    api.streams[0]!.end();

    await waitFor(() => api.streams.length === 2, 'a second connection');
    const [first, second] = api.streamRequests();
    assert.equal(first!.headers.get('last-event-id'), null);
    assert.equal(second!.headers.get('last-event-id'), '2');
    // A server replaying from the given ID inclusively must not make the client see event 2 twice.
    api.streams[1]!.send(updated('2'), { id: '2' });
    api.streams[1]!.send(updated('3'), { id: '3' });
    await waitFor(() => events.length >= 3, 'the replayed events');
    assert.deepEqual(idsOf(events), ['1', '2', '3']);

    api.streams[1]!.fail();
    await waitFor(() => api.streams.length === 3, 'a reconnection after a network break');
    assert.equal(api.streamRequests()[2]!.headers.get('last-event-id'), '3');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open']);
  });

  test('the server’s retry field is a floor for the reconnection delay', async () => {
    const api = fakeApi();
    const { states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff } });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.write('retry: 60\n\n');
    api.streams[0]!.send(updated('1'), { id: '1' });
    await new Promise((resolve) => setImmediate(resolve));
    const droppedAt = performance.now();
    api.streams[0]!.end();
    await waitFor(() => api.streams.length === 2, 'a second connection');
    assert.ok(performance.now() - droppedAt >= 55, 'waited at least the server’s retry');
  });

  test('a retry field of hours waits no longer than a Retry-After may: 5 minutes', async (t) => {
    const api = fakeApi();
    const { states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff } });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.write('retry: 3600000\n\n');
    api.streams[0]!.send(updated('1'), { id: '1' });
    await new Promise((resolve) => setImmediate(resolve));
    t.mock.timers.enable({ apis: ['setTimeout'] });
    api.streams[0]!.end();
    for (let turn = 0; states.at(-1) !== 'reconnecting'; turn++) {
      assert.ok(turn < 1000, 'the stream to drop');
      await new Promise((resolve) => setImmediate(resolve));
    }
    t.mock.timers.tick(5 * 60_000);
    for (let turn = 0; api.streams.length < 2; turn++) {
      assert.ok(turn < 1000, 'a second connection 5 minutes after the drop');
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  test('repeated failures to open fall back to polling', async () => {
    const api = fakeApi(
      () => {
        throw new TypeError('connection refused');
      },
      () => json({ items: [], nextCursor: null, total: { value: 0, exact: true } }),
    );
    const { states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: { ...fastBackoff, numOfAttempts: 3 }, pollInterval: 1000 },
    });
    await waitFor(() => states.at(-1) === 'polling', 'polling');
    assert.equal(api.streamRequests().length, 3);
    assert.deepEqual(states, ['connecting', 'reconnecting', 'polling']);
  });

  test('a stream that opens and ends without a word counts as a failure, so the backoff grows and polling takes over', async () => {
    const api = fakeApi(
      () => {
        const stream = new FakeEventStream();
        stream.end();
        return stream.response;
      },
      () => pageOf(),
    );
    const { states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: { ...fastBackoff, numOfAttempts: 3 }, pollInterval: 1000 },
    });
    await waitFor(() => states.at(-1) === 'polling', 'polling');
    assert.equal(api.streamRequests().length, 3);
  });

  test('a heartbeat counts as a word: a stream that sent one restarts the count', async () => {
    const api = fakeApi(
      () => {
        const stream = new FakeEventStream();
        stream.write(': heartbeat\n\n');
        stream.end();
        return stream.response;
      },
      () => pageOf(),
    );
    const { states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: { ...fastBackoff, numOfAttempts: 2 } },
    });
    await waitFor(() => api.streamRequests().length >= 5, 'five connections');
    assert.ok(!states.includes('polling'), `states: ${states.join(', ')}`);
  });

  test('a stream silent for longer than idleTimeout is taken for dead and reopened', async () => {
    const api = fakeApi();
    listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff, idleTimeout: 50 } });
    await waitFor(() => api.streams.length >= 2, 'a second connection');
    await api.streams[0]!.cancelled;
    assert.equal(api.streamRequests()[0]!.signal.aborted, true, 'the silent request was aborted');
  });

  test('an open that gets no answer at all is given up after idleTimeout too', async () => {
    const api = fakeApi(
      (request) =>
        new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
    );
    listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff, idleTimeout: 50 } });
    await waitFor(() => api.streamRequests().length >= 2, 'a second try');
    assert.equal(api.streamRequests()[0]!.signal.aborted, true);
  });

  test('heartbeats keep a quiet stream open', async () => {
    const api = fakeApi();
    const { states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { idleTimeout: 150 } });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    // A heartbeat every 15 ms, a tenth of the timeout, for three times the timeout.
    for (let beat = 0; beat < 30; beat++) {
      api.streams[0]!.write(': heartbeat\n\n');
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    assert.equal(api.streams.length, 1);
    assert.equal(states.at(-1), 'open');
  });

  test('a 503 with Retry-After delays the next try by that long', async () => {
    const answeredAt: number[] = [];
    const api = fakeApi(() => {
      answeredAt.push(performance.now());
      if (answeredAt.length > 1) return new FakeEventStream().response;
      return withHeaders(problem(503, 'service_unavailable'), { 'retry-after': '1' });
    });
    const { states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff } });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open after the wait', 4000);
    assert.ok(answeredAt[1]! - answeredAt[0]! >= 950, `waited ${answeredAt[1]! - answeredAt[0]!} ms`);
  });

  for (const status of [401, 403]) {
    test(`a ${status} stops reconnecting`, async () => {
      const api = fakeApi(() => problem(status, status === 401 ? 'unauthenticated' : 'forbidden'));
      const { states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { backoff: fastBackoff } });
      await waitFor(() => states.at(-1) === 'stopped', 'the stopped state');
      // Proving that nothing more happens needs some time to pass: 20× the longest backoff delay here.
      await new Promise((resolve) => setTimeout(resolve, 40));
      assert.equal(api.requests.length, 1);
      assert.deepEqual(states, ['connecting', 'stopped']);
    });
  }
});

describe('subscribe(): one shared connection', () => {
  test('subscribers of two clients with the same baseUrl share one request, closed by the last to leave', async () => {
    const api = fakeApi();
    const baseUrl = freshBaseUrl();
    const first = createJobsClient({ baseUrl, fetch: api.fetch, headers: () => ({ Authorization: 'Bearer t1' }) });
    const second = createJobsClient({ baseUrl: `${baseUrl}/`, fetch: api.fetch });
    const received: string[][] = [[], [], []];
    const unsubscribes = [
      first.subscribe((event) => received[0]!.push(event.type)),
      first.subscribe((event) => received[1]!.push(event.type)),
      second.subscribe((event) => received[2]!.push(event.type)),
    ];
    await waitFor(() => api.streams.length === 1, 'the stream');
    api.streams[0]!.send({ type: 'job.created', job: job() }, { id: '1' });
    await waitFor(() => received.every((each) => each.length === 1), 'every subscriber to get the event');

    assert.equal(api.requests.length, 1, 'one request for three subscribers');
    const [request] = api.requests;
    assert.equal(request!.headers.get('authorization'), 'Bearer t1', 'the client’s headers go with the stream');
    assert.equal(request!.headers.get('accept'), 'text/event-stream');
    unsubscribes[0]!();
    unsubscribes[2]!();
    unsubscribes[2]!();
    assert.equal(request!.signal.aborted, false, 'still one subscriber');
    unsubscribes[1]!();
    assert.equal(request!.signal.aborted, true, 'the last unsubscribe aborts the request');
    await api.streams[0]!.cancelled;

    const again = first.subscribe(() => {});
    cleanups.push(again);
    await waitFor(() => api.streams.length === 2, 'a new connection for a new subscriber');
  });

  test('closeLive() ends the shared stream for everyone; the next subscriber opens one with its own headers', async () => {
    const api = fakeApi();
    const baseUrl = freshBaseUrl();
    const alice = createJobsClient({ baseUrl, fetch: api.fetch, headers: { Authorization: 'Bearer alice' } });
    const states: LiveState[] = [];
    cleanups.push(alice.subscribe(() => {}, { onState: (state) => states.push(state) }));
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');

    const carol = createJobsClient({ baseUrl, fetch: api.fetch, headers: { Authorization: 'Bearer carol' } });
    carol.closeLive();
    assert.equal(api.streamRequests()[0]!.signal.aborted, true, 'the old stream is closed');
    assert.equal(states.at(-1), 'stopped', 'its subscribers are told');
    cleanups.push(carol.subscribe(() => {}));
    await waitFor(() => api.streamRequests().length === 2, 'a new stream');
    assert.equal(api.streamRequests()[1]!.headers.get('authorization'), 'Bearer carol');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(states.at(-1), 'stopped', 'the closed connection does not come back to life');
  });

  test('a subscriber joining an open connection is told its state at once', async () => {
    const api = fakeApi();
    const baseUrl = freshBaseUrl();
    const { states } = listen({ baseUrl, fetch: api.fetch });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    const late = listen({ baseUrl, fetch: api.fetch });
    assert.deepEqual(late.states, ['open']);
    assert.equal(api.requests.length, 1);
  });
});

describe('subscribe(): events', () => {
  test('a burst of progress events reaches each subscriber coalesced, one per job per frame', async () => {
    const api = fakeApi();
    const frames = manualFrames();
    const baseUrl = freshBaseUrl();
    const options = { baseUrl, fetch: api.fetch, live: { scheduleFrame: frames.scheduleFrame } };
    const one = listen(options);
    const other = listen(options);
    await waitFor(() => one.states.at(-1) === 'open', 'the stream to open');

    for (let done = 1; done <= 100; done++) api.streams[0]!.send(progressEvent('1042', done), { id: String(done) });
    api.streams[0]!.send(progressEvent('7', 5), { id: '101' });
    // An event of another job is delivered at once, which also tells the test the burst has been read.
    api.streams[0]!.send(updated('99'), { id: '102' });
    await waitFor(() => one.events.length === 1, 'the non-progress event');
    assert.deepEqual(idsOf(one.events), ['99'], 'progress waits for the frame');

    frames.run();
    for (const { events } of [one, other]) {
      assert.deepEqual(events.slice(1), [progressEvent('1042', 100), progressEvent('7', 5)]);
    }
  });

  test('an event of a job first flushes that job’s pending progress, so order is never inverted', async () => {
    const api = fakeApi();
    const frames = manualFrames();
    const { events, states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { scheduleFrame: frames.scheduleFrame },
    });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    const finished = { type: 'job.finished', job: job({ status: 'succeeded' }) };
    api.streams[0]!.send(progressEvent('1042', 999), { id: '1' });
    api.streams[0]!.send(finished, { id: '2' });
    await waitFor(() => events.length === 2, 'both events');
    assert.deepEqual(events, [progressEvent('1042', 999), finished]);
    frames.run();
    assert.equal(events.length, 2, 'no stale progress after the job finished');
  });

  test('closeLive() from a listener stops delivery at once, even of events read in the same chunk', async () => {
    const api = fakeApi();
    const client = createJobsClient({ baseUrl: freshBaseUrl(), fetch: api.fetch });
    const received: string[][] = [[], []];
    const states: LiveState[] = [];
    const onEvent = (event: StreamEvent) => {
      received[0]!.push(idsOf([event])[0]!);
      client.closeLive();
    };
    cleanups.push(client.subscribe(onEvent, { onState: (state) => states.push(state) }));
    cleanups.push(client.subscribe((event) => received[1]!.push(idsOf([event])[0]!)));
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    // One write, so that a single read hands all three events to the parser.
    api.streams[0]!.write(['1', '2', '3'].map((id) => sseFrame(updated(id), id)).join(''));
    await api.streams[0]!.cancelled;
    assert.deepEqual(received, [['1'], []]);
    assert.equal(states.at(-1), 'stopped');
  });

  test('a listener that unsubscribes itself hears nothing more of the chunk', async () => {
    const api = fakeApi();
    const client = createJobsClient({ baseUrl: freshBaseUrl(), fetch: api.fetch });
    const received: string[] = [];
    const states: LiveState[] = [];
    cleanups.push(client.subscribe(() => {}, { onState: (state) => states.push(state) }));
    const unsubscribe = client.subscribe((event) => {
      received.push(idsOf([event])[0]!);
      unsubscribe();
    });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.write(['1', '2', '3'].map((id) => sseFrame(updated(id), id)).join(''));
    api.streams[0]!.send(updated('4'), { id: '4' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(received, ['1']);
  });

  test('a subscriber whose callbacks throw is reported, and the other subscribers and the stream carry on', async () => {
    const reported = captureUncaught();
    const api = fakeApi();
    const baseUrl = freshBaseUrl();
    const failure = new Error('a bug in a listener');
    const client = createJobsClient({ baseUrl, fetch: api.fetch });
    const fail = () => {
      throw failure;
    };
    // The first subscriber opens the stream, and its onState throws at once, on `connecting`.
    cleanups.push(client.subscribe(fail, { onState: fail }));
    const other = listen({ baseUrl, fetch: api.fetch });
    await waitFor(() => other.states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.send(updated('1'), { id: '1' });
    api.streams[0]!.send(updated('2'), { id: '2' });
    await waitFor(() => other.events.length === 2, 'both events for the other subscriber');
    // `connecting` and `open` to onState, two events to the listener.
    await waitFor(() => reported.length === 4, 'each exception reported');
    assert.ok(reported.every((error) => error === failure));
    assert.equal(api.streamRequests().length, 1, 'the stream was not dropped');
  });

  test('invalid JSON is skipped, unknown event types are passed through, comments ignored', async () => {
    const api = fakeApi();
    const { events, states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.write(': heartbeat\n\n');
    api.streams[0]!.send('{not json', { id: '1', raw: true });
    api.streams[0]!.send({ type: 'job.archived', jobId: '5' }, { id: '2', raw: true });
    api.streams[0]!.send(updated('3'), { id: '3' });
    await waitFor(() => events.length === 2, 'the usable events');
    assert.deepEqual(idsOf(events), ['job.archived', '3']);
  });

  test('after a reset, event IDs may start afresh (a restarted server) and are not taken for replays', async () => {
    const api = fakeApi();
    const { events, states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    api.streams[0]!.send(updated('1'), { id: '500' });
    api.streams[0]!.send(updated('1'), { id: '499' });
    api.streams[0]!.send({ type: 'reset', reason: 'unknown_event_id' }, { id: '1' });
    api.streams[0]!.send(updated('2'), { id: '2' });
    await waitFor(() => events.length === 3, 'the events after the reset');
    assert.deepEqual(idsOf(events), ['1', 'reset', '2'], 'the stale 499 is dropped, the renumbered 2 is not');
  });
});

describe('subscribe(): polling fallback', () => {
  test('a refused stream (404) is replaced by polling GET /jobs, with synthesized events', async () => {
    const polls: URLSearchParams[] = [];
    const page = (...jobs: ReturnType<typeof job>[]) =>
      json({ items: jobs, nextCursor: null, total: { value: jobs.length, exact: true } });
    let opened = false;
    const api = fakeApi(
      () => {
        if (opened) return problem(404, 'not_found');
        opened = true;
        const stream = new FakeEventStream();
        // What the client saw last before the stream went away is where polling picks up.
        stream.send(updated('1040', '2026-11-23T09:15:30Z'), { id: '1' });
        stream.end();
        return stream.response;
      },
      (request) => {
        polls.push(new URL(request.url).searchParams);
        if (polls.length === 1) {
          return page(
            job({ id: '7', status: 'queued', createdAt: '2026-11-23T09:16:00Z', updatedAt: '2026-11-23T09:16:00Z' }),
            job({ id: '1042', status: 'succeeded', updatedAt: '2026-11-23T09:16:30Z' }),
            job({
              id: '1040',
              status: 'running',
              createdAt: '2026-11-23T09:10:00Z',
              updatedAt: '2026-11-23T09:16:10Z',
            }),
          );
        }
        if (polls.length === 2) {
          return page(
            job({ id: '7', status: 'failed', createdAt: '2026-11-23T09:16:00Z', updatedAt: '2026-11-23T09:17:00Z' }),
            // Read again within the overlap, unchanged: nothing to hand out.
            job({ id: '1042', status: 'succeeded', updatedAt: '2026-11-23T09:16:30Z' }),
            // Stamped before the newest change of the first poll, but committed after it was read.
            job({
              id: '1041',
              status: 'running',
              createdAt: '2026-11-23T09:10:00Z',
              updatedAt: '2026-11-23T09:16:28Z',
            }),
          );
        }
        return page();
      },
    );
    const { events, states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: fastBackoff, pollInterval: 1 },
    });
    await waitFor(() => polls.length >= 3, 'three polls');
    assert.equal(states.at(-1), 'polling');
    // Each poll asks from 5 s (`pollOverlap`) before the newest change seen.
    assert.deepEqual(Object.fromEntries(polls[0]!), {
      updatedAfter: '2026-11-23T09:15:25.000Z',
      sort: '-createdAt',
      limit: '200',
    });
    assert.equal(
      polls[1]!.get('updatedAfter'),
      '2026-11-23T09:16:25.000Z',
      'the next poll asks from the newest change',
    );
    assert.equal(polls[2]!.get('updatedAfter'), '2026-11-23T09:16:55.000Z', 'a late commit does not move it back');
    assert.deepEqual(
      events.map((event) => `${event.type} ${'job' in event ? event.job.id : ''}`),
      [
        'job.updated 1040',
        'job.created 7',
        'job.updated 1040',
        'job.finished 1042',
        'job.updated 1041',
        'job.finished 7',
      ],
    );
  });

  test('polling repeats no job.finished the stream delivered, and tells of a finished job changing again as updated', async () => {
    const finishedAt = '2026-11-23T09:15:30Z';
    const finished = job({ id: '1042', status: 'succeeded', endedAt: finishedAt, updatedAt: finishedAt });
    let opened = false;
    let polls = 0;
    const api = fakeApi(
      () => {
        if (opened) return problem(404, 'not_found');
        opened = true;
        const stream = new FakeEventStream();
        stream.send({ type: 'job.finished', job: finished }, { id: '1' });
        stream.end();
        return stream.response;
      },
      () => {
        polls += 1;
        if (polls === 1) {
          const lateAt = '2026-11-23T09:15:28Z';
          // Read again within the overlap, unchanged; and one that finished before it but committed after the stream went.
          return pageOf(finished, job({ id: '1041', status: 'failed', endedAt: lateAt, updatedAt: lateAt }));
        }
        // A later change moves the overlap past 1042's end, so its state is forgotten; its requeue is still no end.
        if (polls === 2) return pageOf(job({ id: '7', updatedAt: '2026-11-23T09:16:00Z' }));
        if (polls === 3) return pageOf({ ...finished, requeuedAs: '1043', updatedAt: '2026-11-23T09:16:10Z' });
        return pageOf();
      },
    );
    const { events } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: fastBackoff, pollInterval: 1 },
    });
    await waitFor(() => polls >= 4, 'four polls');
    assert.deepEqual(typesAndIds(events), [
      'job.finished 1042',
      'job.finished 1041',
      'job.updated 7',
      'job.updated 1042',
    ]);
  });

  test('a requeue polled with a later change of another job is no second end, however long ago the job ended', async () => {
    const endedAt = '2026-11-23T09:15:30Z';
    const ended = job({ id: '1042', status: 'succeeded', endedAt, updatedAt: endedAt });
    let polls = 0;
    const api = fakeApi(
      () => withHeaders(problem(404, 'not_found'), { date: 'Mon, 23 Nov 2026 09:15:20 GMT' }),
      () => {
        polls += 1;
        if (polls === 1) return pageOf(ended);
        // In one poll, 6 s later: another job's change, then the requeue marking 1042. The first moves the overlap
        // past 1042's end before the requeue is looked at.
        if (polls === 2)
          return pageOf(job({ id: '7', updatedAt: '2026-11-23T09:15:36Z' }), {
            ...ended,
            requeuedAs: '1043',
            updatedAt: '2026-11-23T09:15:37Z',
          });
        return pageOf();
      },
    );
    const { events } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { pollInterval: 1 } });
    await waitFor(() => polls >= 3, 'three polls');
    assert.deepEqual(
      typesAndIds(events).filter((line) => line.endsWith(' 1042')),
      ['job.finished 1042', 'job.updated 1042'],
    );
  });

  test('a job polled for the first time after a later change is told as created when it was created within the overlap, but not one from before the subscription', async () => {
    let polls = 0;
    const api = fakeApi(
      () => withHeaders(problem(404, 'not_found'), { date: 'Mon, 23 Nov 2026 09:16:00 GMT' }),
      () => {
        polls += 1;
        // 9 was launched just before the page subscribed (its clock said 09:16:00): the page loaded it, no news.
        if (polls === 1)
          return pageOf(
            job({ id: '9', createdAt: '2026-11-23T09:15:58Z', updatedAt: '2026-11-23T09:15:59Z' }),
            job({ id: '7', createdAt: '2026-11-23T09:10:00Z', updatedAt: '2026-11-23T09:16:30Z' }),
          );
        // Launched (stamped) before 7's change was read, committed after it.
        if (polls === 2)
          return pageOf(
            job({ id: '8', status: 'queued', createdAt: '2026-11-23T09:16:28Z', updatedAt: '2026-11-23T09:16:28Z' }),
          );
        return pageOf();
      },
    );
    const { events } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { pollInterval: 1 } });
    await waitFor(() => polls >= 3, 'three polls');
    assert.deepEqual(typesAndIds(events), ['job.updated 9', 'job.updated 7', 'job.created 8']);
  });

  test('with no event seen yet, polling starts from the server’s clock (its Date header), not the client’s', async () => {
    const polls: URLSearchParams[] = [];
    const api = fakeApi(
      // The client's clock is days away from this server's.
      () => withHeaders(problem(404, 'not_found'), { date: 'Mon, 23 Nov 2026 09:15:00 GMT' }),
      (request) => {
        polls.push(new URL(request.url).searchParams);
        return pageOf();
      },
    );
    listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { pollInterval: 1 } });
    await waitFor(() => polls.length >= 1, 'a poll');
    assert.equal(polls[0]!.get('updatedAfter'), '2026-11-23T09:14:55.000Z');
  });

  test('when the stream never answered, the first poll’s Date header corrects the client’s clock', async () => {
    // A server a day ahead of the client: asked by the client's clock, it answers with changes older than "now".
    const serverNow = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
    const at = (offset: number) => new Date(serverNow + offset).toISOString();
    const polls: URLSearchParams[] = [];
    const api = fakeApi(
      () => {
        throw new TypeError('connection refused');
      },
      (request) => {
        polls.push(new URL(request.url).searchParams);
        const page =
          polls.length === 1
            ? pageOf(job({ id: '1', updatedAt: at(-60_000) }), job({ id: '2', updatedAt: at(-2000) }))
            : pageOf();
        return withHeaders(page, { date: new Date(serverNow).toUTCString() });
      },
    );
    const { events } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: { ...fastBackoff, numOfAttempts: 1 }, pollInterval: 1 },
    });
    await waitFor(() => polls.length >= 2, 'two polls');
    assert.equal(polls[1]!.get('updatedAfter'), at(-5000), 'the next poll asks by the server’s clock');
    assert.deepEqual(typesAndIds(events), ['job.updated 2'], 'what changed before the server’s "now" is not news');
  });

  test('a 503 with Retry-After while polling delays the next poll by that long', async () => {
    const polledAt: number[] = [];
    const api = fakeApi(
      () => problem(404, 'not_found'),
      () => {
        polledAt.push(performance.now());
        if (polledAt.length > 1) return pageOf();
        return withHeaders(problem(503, 'service_unavailable'), { 'retry-after': '1' });
      },
    );
    listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { pollInterval: 1 } });
    await waitFor(() => polledAt.length >= 2, 'a second poll', 4000);
    assert.ok(polledAt[1]! - polledAt[0]! >= 950, `waited ${polledAt[1]! - polledAt[0]!} ms`);
  });

  test('while polling, the stream is tried again now and then, and replaces polling once it works', async () => {
    let streamUp = false;
    let polls = 0;
    const streams: FakeEventStream[] = [];
    const api = fakeApi(
      () => {
        if (!streamUp) throw new TypeError('connection refused');
        streams.push(new FakeEventStream());
        return streams.at(-1)!.response;
      },
      () => {
        polls += 1;
        return pageOf();
      },
    );
    const { events, states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: { ...fastBackoff, numOfAttempts: 2 }, pollInterval: 1, streamRetryInterval: 10 },
    });
    await waitFor(() => api.streamRequests().length >= 4, 'two tries of the stream after the fallback');
    // A failed try goes straight back to polling, without the backoff of a stream that was working.
    assert.deepEqual(states, ['connecting', 'reconnecting', 'polling']);

    streamUp = true;
    await waitFor(() => states.at(-1) === 'open', 'the stream back');
    streams[0]!.send(updated('1'), { id: '1' });
    await waitFor(() => events.length === 1, 'an event from the stream');
    const pollsOnceBack = polls;
    // Polling every millisecond would have polled a dozen times meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(polls, pollsOnceBack, 'polling stopped');
  });

  const running = job({ id: '1042', status: 'running', updatedAt: '2026-11-23T09:15:30Z' });
  const done = {
    ...running,
    status: 'succeeded' as const,
    endedAt: '2026-11-23T09:16:00Z',
    updatedAt: '2026-11-23T09:16:00Z',
  };

  /**
   * A stream that tells of job 1042 running (event 1) and drops; polling, which finds `polled`, takes over until
   * the stream is back. Resolves once it is, with the stream to replay on.
   */
  async function droppedToPollingAndBack(polled: Job[]) {
    const frames = manualFrames();
    let streamUp = true;
    const streams: FakeEventStream[] = [];
    const api = fakeApi(
      () => {
        if (!streamUp) throw new TypeError('connection refused');
        streams.push(new FakeEventStream());
        return streams.at(-1)!.response;
      },
      () => pageOf(...polled),
    );
    const { events, states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      live: { backoff: { ...fastBackoff, numOfAttempts: 1 }, pollInterval: 1, streamRetryInterval: 10, ...frames },
    });
    await waitFor(() => states.at(-1) === 'open', 'the stream to open');
    streams[0]!.send({ type: 'job.updated', job: running }, { id: '1' });
    await waitFor(() => events.length === 1, 'the first event');
    streamUp = false;
    streams[0]!.end();
    await waitFor(() => events.length === 1 + polled.length, 'what polling found');
    streamUp = true;
    await waitFor(() => states.at(-1) === 'open', 'the stream back');
    assert.equal(api.streamRequests().at(-1)!.headers.get('last-event-id'), '1');
    return { events, frames, stream: streams.at(-1)! };
  }

  test('back on the stream, replayed events that polling handed out already are skipped', async () => {
    const later = job({
      id: '7',
      status: 'queued',
      createdAt: '2026-11-23T09:17:00Z',
      updatedAt: '2026-11-23T09:17:00Z',
    });
    const { events, frames, stream } = await droppedToPollingAndBack([done]);
    // The server replays what came after event 1: what polling told already, then news.
    stream.send(progressEvent('1042', 999), { id: '2' });
    stream.send({ type: 'job.finished', job: done }, { id: '3' });
    stream.send({ type: 'job.created', job: later }, { id: '4' });
    await waitFor(() => events.length === 3, 'the news');
    frames.run();
    assert.deepEqual(typesAndIds(events), ['job.updated 1042', 'job.finished 1042', 'job.created 7']);
  });

  test('back on the stream, progress replayed for a job polling saw finish long before is skipped', async () => {
    // Changed ten minutes later: the end of 1042 is past the overlap polling remembers states for.
    const later = job({ id: '7', status: 'running', updatedAt: '2026-11-23T09:26:00Z' });
    const { events, frames, stream } = await droppedToPollingAndBack([later, done]);
    stream.send(progressEvent('1042', 999), { id: '2' });
    stream.send(progressEvent('7', 5), { id: '3' });
    await waitFor(() => {
      frames.run();
      return events.length === 4;
    }, 'the news');
    assert.deepEqual(typesAndIds(events), ['job.updated 1042', 'job.finished 1042', 'job.updated 7', 'job.progress 7']);
  });

  test('back on a stream with no event to resume from, a last poll tells what changed, and a reset has the rest reloaded (deletes)', async () => {
    let streamUp = false;
    let reopened = false;
    const api = fakeApi(
      () => {
        if (!streamUp) throw new TypeError('connection refused');
        reopened = true;
        return new FakeEventStream().response;
      },
      // The change shows only to a poll made once the stream is back, as if made just before it reopened.
      () => pageOf(...(reopened ? [job({ id: '7', status: 'succeeded', updatedAt: new Date().toISOString() })] : [])),
    );
    const { events, states } = listen({
      baseUrl: freshBaseUrl(),
      fetch: api.fetch,
      // The next regular poll is a minute away.
      live: { backoff: { ...fastBackoff, numOfAttempts: 1 }, pollInterval: 60_000, streamRetryInterval: 10 },
    });
    await waitFor(() => states.at(-1) === 'polling', 'polling');
    streamUp = true;
    await waitFor(() => events.length === 2, 'the change, from a last poll, and a reset');
    assert.deepEqual(typesAndIds(events), ['job.finished 7', 'reset ']);
    assert.deepEqual(events[1], { type: 'reset', reason: 'resumed_after_polling' });
    await waitFor(() => states.at(-1) === 'open', 'the stream open');
    assert.equal(api.streamRequests().at(-1)!.headers.get('last-event-id'), null);
  });

  test('a 401 while polling stops it', async () => {
    const api = fakeApi(
      () => problem(404, 'not_found'),
      () => problem(401, 'unauthenticated'),
    );
    const { states } = listen({ baseUrl: freshBaseUrl(), fetch: api.fetch, live: { pollInterval: 1 } });
    await waitFor(() => states.at(-1) === 'stopped', 'the stopped state');
    assert.deepEqual(states, ['connecting', 'polling', 'stopped']);
  });
});
