import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createJobsClient, JobsApiError } from '../../sdk/index.js';
import { type Handler, problem, recordingFetch } from '../support/fake-stream.js';

const baseUrl = 'http://jobs.test/api';

function clientAnswering(handler: Handler) {
  return createJobsClient({ baseUrl, fetch: recordingFetch(handler).fetch });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('JobsApiError', () => {
  test('a 404 carries the problem details', async () => {
    const client = clientAnswering(() => problem(404, 'not_found', { detail: 'No job 9.', instance: '/api/jobs/9' }));
    const error = await rejection(client.getJob('9'));
    assert.ok(error instanceof JobsApiError);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'not_found');
    assert.equal(error.message, 'No job 9.');
    assert.equal(error.problem.instance, '/api/jobs/9');
  });

  test('a 409 from an action keeps its code', async () => {
    const client = clientAnswering(() => problem(409, 'job_not_finished'));
    const error = await rejection(client.delete('1042'));
    assert.ok(error instanceof JobsApiError);
    assert.equal(error.status, 409);
    assert.equal(error.code, 'job_not_finished');
  });

  test('a 422 carries the field errors', async () => {
    const errors = [{ location: 'body', path: '/params/periodId', message: 'is required' }];
    const client = clientAnswering(() => problem(422, 'invalid_params', { errors }));
    const error = await rejection(client.launch('product-import', {}));
    assert.ok(error instanceof JobsApiError);
    assert.deepEqual(error.problem.errors, errors);
  });

  test('a 401 from listJobs and a 403 from listUsers are JobsApiErrors too', async () => {
    const unauthorized = await rejection(clientAnswering(() => problem(401, 'unauthenticated')).listJobs());
    const forbidden = await rejection(clientAnswering(() => problem(403, 'forbidden')).listUsers());
    assert.deepEqual(
      [unauthorized, forbidden].map((error) => (error as JobsApiError).code),
      ['unauthenticated', 'forbidden'],
    );
  });

  test('a body that is not problem details gets a synthesized problem', async () => {
    // A proxy in front of the API answers outside the contract, so this fetch is deliberately not contract-checked.
    const html = '<html><body>502 Bad Gateway</body></html>';
    const client = createJobsClient({
      baseUrl,
      fetch: async () =>
        new Response(html, { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }),
    });
    const error = await rejection(client.me());
    assert.ok(error instanceof JobsApiError);
    assert.deepEqual(error.problem, { type: 'about:blank', title: 'Bad Gateway', status: 502, code: 'http_502' });
    assert.equal(error.code, 'http_502');
  });

  test('a plain-text error body becomes the detail', async () => {
    const client = createJobsClient({
      baseUrl,
      fetch: async () => new Response('upstream timed out', { status: 504 }),
    });
    const error = await rejection(client.me());
    assert.ok(error instanceof JobsApiError);
    assert.equal(error.problem.detail, 'upstream timed out');
    assert.equal(error.problem.title, 'HTTP 504');
  });

  test('a 200 that is not JSON (a proxy’s sign-in page) is a JobsApiError saying what was expected', async () => {
    // Outside the contract on purpose, so this fetch is not contract-checked.
    const client = createJobsClient({
      baseUrl,
      fetch: async () =>
        new Response('<!doctype html><title>Sign in</title>', {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        }),
    });
    const error = await rejection(client.listJobs());
    assert.ok(error instanceof JobsApiError, `got ${String(error)}`);
    assert.equal(error.message, 'expected JSON from GET /jobs, got text/html');
    assert.equal(error.status, 200);
  });

  test('problem details from elsewhere keep all their members, and the status is the HTTP one', async () => {
    const invalidParams = [{ name: 'age', reason: 'must be a positive integer' }];
    const body = {
      type: 'https://example.net/validation-error',
      title: 'Your request is not valid.',
      status: 422,
      detail: 'age is wrong',
      'invalid-params': invalidParams,
    };
    const client = createJobsClient({
      baseUrl,
      fetch: async () =>
        new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/problem+json' } }),
    });
    const error = await rejection(client.me());
    assert.ok(error instanceof JobsApiError);
    assert.equal(error.status, 400, 'the HTTP status, not the body’s');
    assert.equal(error.message, 'age is wrong');
    assert.equal(error.code, 'http_400');
    assert.deepEqual(error.problem['invalid-params'], invalidParams);
    assert.equal(error.problem.title, 'Your request is not valid.');
    assert.equal(error.problem.status, 422, 'the body as it was sent');
  });

  test('retryAfter is the wait Retry-After asks for: seconds, or an HTTP date read against the answer’s Date', async () => {
    const answering = (headers: Record<string, string>) =>
      createJobsClient({
        baseUrl,
        fetch: async () => {
          const answer = problem(503, 'service_unavailable');
          for (const [name, value] of Object.entries(headers)) answer.headers.set(name, value);
          return answer;
        },
      });
    const inSeconds = await rejection(answering({ 'retry-after': '120' }).me());
    // The server's clock is a day off the client's; only the difference between its two dates counts.
    const byDate = await rejection(
      answering({ date: 'Mon, 23 Nov 2026 09:15:00 GMT', 'retry-after': 'Mon, 23 Nov 2026 09:15:30 GMT' }).me(),
    );
    const without = await rejection(answering({}).me());
    assert.deepEqual(
      [inSeconds, byDate, without].map((error) => (error as JobsApiError).retryAfter),
      [120_000, 30_000, undefined],
    );
  });

  test('a network failure stays a TypeError', async () => {
    const client = createJobsClient({
      baseUrl,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const error = await rejection(client.me());
    assert.ok(error instanceof TypeError);
    assert.ok(!(error instanceof JobsApiError));
  });
});
