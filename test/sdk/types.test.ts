/**
 * Proves that `tsc --noEmit` (part of `npm run lint`) catches wrong calls: each `@ts-expect-error` line must be a
 * type error, and an unused `@ts-expect-error` is itself an error, so this cannot pass vacuously.
 * The calls sit in a function that never runs; at run time this file only checks that it loaded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobsClient, KnownJobStatus, StreamEvent } from '../../sdk/index.js';

async function wrongCalls(client: JobsClient) {
  // @ts-expect-error a job ID is a string, not a number
  await client.getJob(1042);
  // @ts-expect-error 'done' is not a status filter value
  await client.listJobs({ status: ['done'] });
  // @ts-expect-error the status filter is a list, not a single value
  await client.listJobs({ status: 'failed' });
  // @ts-expect-error 'name' is not a sort key
  await client.listJobs({ sort: 'name' });
  // @ts-expect-error unknown filter
  await client.listJobs({ owner: 'alice' });
  // @ts-expect-error 'archive' is not a bulk action
  await client.bulk('archive', ['1042']);
  // @ts-expect-error the job type is required
  await client.launch();
  // @ts-expect-error a launch request without its required `type`
  await client.raw.POST('/jobs', { body: { params: {}, notifyByEmail: false } });
  // @ts-expect-error the path parameter is required
  await client.raw.GET('/jobs/{id}');
  // @ts-expect-error 'debug' is not a message level
  await client.listMessages('1042', { level: ['debug'] });
  // @ts-expect-error `unread` is a boolean
  await client.notifications({ unread: 'yes' });

  const job = await client.getJob('1042');
  // @ts-expect-error progress is an object, not a number
  const percent: number = job.progress;
  // @ts-expect-error a status may be one this version does not know, so it is not narrowed to the known ones
  const known: KnownJobStatus = job.status;

  client.subscribe((event: StreamEvent) => {
    if (event.type === 'job.progress') {
      // @ts-expect-error progress events carry a job ID, not the job
      void event.job;
      void event.progress.percent;
    }
  });
  return [percent, known];
}

async function rightCalls(client: JobsClient) {
  await client.listJobs({ status: ['processed'], user: ['alice'], sort: '-createdAt', limit: 20 });
  await client.launch('product-import', { periodId: '2026-12' }, { notifyByEmail: true, subjects: ['planning:1'] });
  await client.bulk('requeue', ['1041', '1042']);
  for await (const job of client.jobs({ q: 'import' })) void job.typeLabel;
}

test('the type checks above compile (see tsc)', () => {
  assert.equal(typeof wrongCalls, 'function');
  assert.equal(typeof rightCalls, 'function');
});
