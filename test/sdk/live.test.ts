import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createJobsClient, type JobsClientOptions, type LiveState, type StreamEvent } from '../../sdk/index.js';
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
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
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
