import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createJobsClient, type JobsClientOptions } from '../../sdk/index.js';
import { type Handler, json, recordingFetch } from '../support/fake-stream.js';
import { job, jobDetail, notification } from './fixtures.js';

const baseUrl = 'http://jobs.test/api';

function setup(handler: Handler, options: Partial<JobsClientOptions> = {}) {
  const { fetch, requests } = recordingFetch(handler);
  const client = createJobsClient({ baseUrl, fetch, ...options });
  const only = () => {
    assert.equal(requests.length, 1, 'exactly one request');
    return requests[0]!;
  };
  return { client, requests, only };
}

function pathAndQuery(request: Request): string {
  const url = new URL(request.url);
  return decodeURIComponent(url.pathname + url.search);
}

const me = {
  id: 'alice',
  name: 'Alice Martin',
  email: 'alice@example.com',
  locale: 'fr',
  permissions: ['jobs:read:own'],
};
const user = { id: 'alice', name: 'Alice Martin', email: null, locale: 'en' };
const jobType = {
  type: 'product-import',
  label: 'Product import',
  category: ['Catalogue'],
  paramsSchema: { type: 'object' },
  interruptible: true,
  requeueable: true,
};

describe('session and job types', () => {
  test('me() gets /me', async () => {
    const { client, only } = setup(() => json(me));
    assert.deepEqual(await client.me(), me);
    assert.equal(only().method, 'GET');
    assert.equal(pathAndQuery(only()), '/api/me');
  });

  test('listUsers() sends q and returns the items', async () => {
    const { client, only } = setup(() => json({ items: [user] }));
    assert.deepEqual(await client.listUsers('ali'), [user]);
    assert.equal(pathAndQuery(only()), '/api/users?q=ali');
  });

  test('listJobTypes() returns the items', async () => {
    const { client, only } = setup(() => json({ items: [jobType] }));
    assert.deepEqual(await client.listJobTypes(), [jobType]);
    assert.equal(pathAndQuery(only()), '/api/job-types');
  });
});

describe('launch', () => {
  test('posts the request body with a generated Idempotency-Key', async () => {
    const { client, only } = setup(() => json(jobDetail({ status: 'queued' }), 202));
    const launched = await client.launch('product-import', { periodId: '2026-12' }, { subjects: ['planning:2026-12'] });
    assert.equal(launched.status, 'queued');
    const request = only();
    assert.equal(request.method, 'POST');
    assert.equal(pathAndQuery(request), '/api/jobs');
    assert.equal(request.headers.get('content-type'), 'application/json');
    assert.match(request.headers.get('idempotency-key') ?? '', /^[0-9a-f-]{32,36}$/);
    assert.deepEqual(await request.json(), {
      type: 'product-import',
      params: { periodId: '2026-12' },
      notifyByEmail: false,
      subjects: ['planning:2026-12'],
    });
  });

  test('sends the caller’s key, and a different key for each launch otherwise', async () => {
    const { client, requests } = setup(() => json(jobDetail(), 202));
    await client.launch('product-import', {}, { idempotencyKey: 'retry-1', notifyByEmail: true });
    await client.launch('product-import');
    await client.launch('product-import');
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    assert.equal(keys[0], 'retry-1');
    assert.notEqual(keys[1], keys[2]);
    assert.equal((await requests[0]!.json()).notifyByEmail, true);
  });
});

describe('listing jobs', () => {
  const page = (ids: string[], nextCursor: string | null) => ({
    items: ids.map((id) => job({ id })),
    nextCursor,
    total: { value: 3, exact: true },
  });

  test('listJobs() serializes filters as the contract says (comma-separated lists)', async () => {
    const { client, only } = setup(() => json(page(['1'], null)));
    const result = await client.listJobs({
      status: ['failed', 'interrupted'],
      user: ['alice', 'bob'],
      q: 'import',
      from: '2026-11-01T00:00:00Z',
      sort: '-createdAt',
      limit: 10,
    });
    assert.deepEqual(
      result.items.map((item) => item.id),
      ['1'],
    );
    assert.equal(
      pathAndQuery(only()),
      '/api/jobs?status=failed,interrupted&user=alice,bob&q=import&from=2026-11-01T00:00:00Z&sort=-createdAt&limit=10',
    );
  });

  test('pages() follows nextCursor until it is null, keeping the filters', async () => {
    const { client, requests } = setup((request) => {
      const cursor = new URL(request.url).searchParams.get('cursor');
      if (cursor === null) return json(page(['1', '2'], 'c2'));
      if (cursor === 'c2') return json(page(['3'], 'c3'));
      return json(page([], null));
    });
    const ids: string[][] = [];
    for await (const each of client.pages({ status: ['processed'], limit: 2 })) ids.push(each.items.map((j) => j.id));
    assert.deepEqual(ids, [['1', '2'], ['3'], []]);
    assert.deepEqual(
      requests.map((request) => new URL(request.url).search),
      ['?status=processed&limit=2', '?status=processed&limit=2&cursor=c2', '?status=processed&limit=2&cursor=c3'],
    );
  });

  test('pages() stops with an error when the server hands out a cursor it gave before', async () => {
    const { client, requests } = setup((request) => {
      const cursor = new URL(request.url).searchParams.get('cursor');
      // Without the check the loop would never end; this ends it after ten pages so the test fails instead.
      if (requests.length >= 10) return json(page([], null));
      return json(page([String(requests.length)], cursor === null ? 'c2' : cursor === 'c2' ? 'c3' : 'c2'));
    });
    const ids: string[] = [];
    await assert.rejects(
      async () => {
        for await (const each of client.pages()) ids.push(...each.items.map((j) => j.id));
      },
      { message: 'GET /jobs handed out the cursor c2 a second time; stopped paging rather than loop for ever' },
    );
    assert.deepEqual(ids, ['1', '2', '3'], 'the pages before the repeat were yielded');
  });

  test('jobs() yields every job across pages, fetching lazily', async () => {
    const { client, requests } = setup((request) =>
      new URL(request.url).searchParams.get('cursor') ? json(page(['3'], null)) : json(page(['1', '2'], 'next')),
    );
    const ids: string[] = [];
    for await (const each of client.jobs()) ids.push(each.id);
    assert.deepEqual(ids, ['1', '2', '3']);

    requests.length = 0;
    for await (const _ of client.jobs()) break;
    assert.equal(requests.length, 1, 'stopping early fetches no further page');
  });

  test('facets() sends the filters', async () => {
    const facets = {
      statuses: [{ status: 'failed', count: { value: 2, exact: true } }],
      types: [{ type: 'product-import', label: 'Product import', count: { value: 2, exact: true } }],
    };
    const { client, only } = setup(() => json(facets));
    assert.deepEqual(await client.facets({ type: ['product-import'] }), facets);
    assert.equal(pathAndQuery(only()), '/api/jobs/facets?type=product-import');
  });

  test('exportJobsCsv() returns the CSV text', async () => {
    const csv = 'id,type,status\n1042,product-import,succeeded\n';
    const { client, only } = setup(() => new Response(csv, { headers: { 'content-type': 'text/csv' } }));
    assert.equal(await client.exportJobsCsv({ status: ['processed'] }), csv);
    assert.equal(pathAndQuery(only()), '/api/jobs/export?status=processed');
  });
});

describe('one job', () => {
  test('getJob() encodes the ID into the path', async () => {
    const { client, only } = setup(() => json(jobDetail({ id: 'a_b-1' })));
    assert.equal((await client.getJob('a_b-1')).id, 'a_b-1');
    assert.equal(pathAndQuery(only()), '/api/jobs/a_b-1');
  });

  test('getReport() returns the report', async () => {
    const report = {
      job: jobDetail(),
      steps: [],
      messageCounts: { info: 1, warning: 0, error: 0 },
      artifacts: [
        {
          name: 'export.csv',
          role: 'output',
          fileName: 'products.csv',
          contentType: 'text/csv',
          size: 3,
          createdAt: '2026-11-23T09:16:10Z',
        },
      ],
    };
    const { client, only } = setup(() => json(report));
    assert.deepEqual(await client.getReport('1042'), report);
    assert.equal(pathAndQuery(only()), '/api/jobs/1042/report');
  });

  test('listMessages() sends the levels comma-separated and the cursor', async () => {
    const messages = {
      items: [
        {
          id: '77',
          level: 'error',
          message: 'Price is not a number',
          item: { row: 12 },
          step: null,
          at: '2026-11-23T09:15:20Z',
        },
      ],
      nextCursor: null,
    };
    const { client, only } = setup(() => json(messages));
    assert.deepEqual(
      await client.listMessages('1042', { level: ['warning', 'error'], cursor: 'c1', limit: 20 }),
      messages,
    );
    assert.equal(pathAndQuery(only()), '/api/jobs/1042/messages?level=warning,error&cursor=c1&limit=20');
  });

  test('artifactUrl() builds the download URL and downloadArtifact() fetches it as a Blob', async () => {
    const { client, only } = setup(() => new Response('a,b\n', { headers: { 'content-type': 'text/csv' } }));
    assert.equal(client.artifactUrl('1042', 'export.csv'), 'http://jobs.test/api/jobs/1042/artifacts/export.csv');
    const blob = await client.downloadArtifact('1042', 'export.csv');
    assert.equal(await blob.text(), 'a,b\n');
    assert.equal(only().url, client.artifactUrl('1042', 'export.csv'));
  });

  test('downloadArtifact() resolves an empty Blob for an empty file', async () => {
    const { client } = setup(
      () => new Response('', { headers: { 'content-type': 'text/csv', 'content-length': '0' } }),
    );
    const blob = await client.downloadArtifact('1042', 'empty.csv');
    assert.ok(blob instanceof Blob);
    assert.equal(blob.size, 0);
    assert.equal(blob.type, 'text/csv');
  });
});

describe('job actions', () => {
  test('requeue() posts with an Idempotency-Key, the caller’s or a new one each time, and returns the new job', async () => {
    const { client, requests } = setup(() =>
      json(jobDetail({ id: '1043', requeuedFrom: '1042', status: 'queued' }), 202),
    );
    assert.equal((await client.requeue('1042')).requeuedFrom, '1042');
    await client.requeue('1042');
    await client.requeue('1042', { idempotencyKey: 'retry-1' });
    assert.deepEqual(
      requests.map((request) => [request.method, pathAndQuery(request)]),
      Array.from({ length: 3 }, () => ['POST', '/api/jobs/1042/requeue']),
    );
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    assert.match(keys[0] ?? '', /^[0-9a-f-]{32,36}$/);
    assert.notEqual(keys[0], keys[1]);
    assert.equal(keys[2], 'retry-1');
  });

  test('interrupt() posts and returns the job', async () => {
    const { client, only } = setup(() => json(jobDetail({ status: 'interrupting' }), 202));
    assert.equal((await client.interrupt('1042')).status, 'interrupting');
    assert.equal(only().method, 'POST');
    assert.equal(pathAndQuery(only()), '/api/jobs/1042/interrupt');
  });

  test('delete() sends DELETE and resolves on 204', async () => {
    const { client, only } = setup(() => new Response(null, { status: 204 }));
    assert.equal(await client.delete('1042'), undefined);
    assert.equal(only().method, 'DELETE');
    assert.equal(pathAndQuery(only()), '/api/jobs/1042');
  });

  test('bulk() posts the action and IDs and returns a result per job', async () => {
    const result = {
      action: 'delete',
      results: [
        { id: '1', ok: true },
        { id: '2', ok: false, problem: { type: 'about:blank', title: 'No', status: 409, code: 'job_not_finished' } },
      ],
      succeeded: 1,
      failed: 1,
    };
    const { client, only } = setup(() => json(result));
    assert.deepEqual(await client.bulk('delete', ['1', '2']), result);
    assert.equal(pathAndQuery(only()), '/api/jobs/bulk');
    assert.deepEqual(await only().json(), { action: 'delete', ids: ['1', '2'] });
  });
});

describe('notifications and stream token', () => {
  test('notifications() sends the unread filter', async () => {
    const body = { items: [notification()], nextCursor: null, unread: 1 };
    const { client, only } = setup(() => json(body));
    assert.deepEqual(await client.notifications({ unread: true, limit: 5 }), body);
    assert.equal(pathAndQuery(only()), '/api/notifications?unread=true&limit=5');
  });

  test('markNotificationRead() posts and returns the notification', async () => {
    const read = notification({ readAt: '2026-11-23T10:00:00Z' });
    const { client, only } = setup(() => json(read));
    assert.deepEqual(await client.markNotificationRead('88'), read);
    assert.equal(only().method, 'POST');
    assert.equal(pathAndQuery(only()), '/api/notifications/88/read');
  });

  test('markAllNotificationsRead() returns how many were marked', async () => {
    const { client, only } = setup(() => json({ marked: 4 }));
    assert.equal(await client.markAllNotificationsRead(), 4);
    assert.equal(pathAndQuery(only()), '/api/notifications/read');
  });

  test('createStreamToken() posts and returns the token', async () => {
    const token = { token: 'st_1', expiresAt: '2026-11-23T09:20:00Z' };
    const { client, only } = setup(() => json(token, 201));
    assert.deepEqual(await client.createStreamToken(), token);
    assert.equal(only().method, 'POST');
    assert.equal(pathAndQuery(only()), '/api/events/token');
  });
});

describe('requests', () => {
  test('a headers function is called before every request', async () => {
    let calls = 0;
    const { client, requests } = setup(() => json(me), {
      headers: async () => ({ Authorization: `Bearer token-${++calls}` }),
    });
    await client.me();
    await client.me();
    assert.deepEqual(
      requests.map((request) => request.headers.get('authorization')),
      ['Bearer token-1', 'Bearer token-2'],
    );
  });

  test('static headers and credentials apply to every request', async () => {
    const { client, only } = setup(() => json(me), {
      headers: { 'Accept-Language': 'fr' },
      credentials: 'include',
      baseUrl: `${baseUrl}/`,
    });
    await client.me();
    assert.equal(only().headers.get('accept-language'), 'fr');
    assert.equal(only().credentials, 'include');
    assert.equal(pathAndQuery(only()), '/api/me', 'a trailing slash on baseUrl is dropped');
  });

  test('a signal aborts the request', async () => {
    const { client } = setup(
      (request) =>
        new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
    );
    const controller = new AbortController();
    const pending = client.getJob('1042', { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
  });
});
