/**
 * `examples/node-host/server.ts`, the host that docs/embedding.md points to, run in-process over real HTTP on
 * embedded PGlite: its own job type runs through its worker, its live stream answers, its params schema refuses
 * bad params, and its own route sits next to /api. Every API response is checked against openapi.yaml.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { placeholderToken, startNodeHost } from '../../examples/node-host/server.js';
import { createJobsClient, JobsApiError, type JobsClient, type StreamEvent } from '../../sdk/index.js';
import { contractChecked, validateSchema } from '../support/contract.js';

let dataDir: string;
let host: { url: string; close(): Promise<void> };
let client: JobsClient;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'jobs-node-host-'));
  host = await startNodeHost({ port: 0, dataDir });
  client = createJobsClient({
    baseUrl: `${host.url}/api`,
    fetch: contractChecked((request) => fetch(request)),
    headers: { authorization: `Bearer ${placeholderToken}` },
  });
});

after(async () => {
  client.closeLive();
  await host.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('a word-count job runs to its end, seen live, with its progress, counters and warning in the report', async () => {
  const received: StreamEvent[] = [];
  let jobId = '';
  const finished = new Promise<void>((resolve, reject) => {
    const unsubscribe = client.subscribe(
      (event) => {
        validateSchema('StreamEvent', event);
        received.push(event);
        if (event.type === 'job.finished' && event.job.id === jobId) {
          unsubscribe();
          resolve();
        }
      },
      {
        onState: (state) => {
          // Launched once the stream is open, so none of the job's events can be missed.
          if (state === 'open' && !jobId) {
            client.launch('word-count', { text: 'one two three\n\nfour five' }).then((job) => {
              jobId = job.id;
            }, reject);
          }
          if (state === 'polling') reject(new Error('the live stream is not served: the SDK fell back to polling'));
        },
      },
    );
  });
  await finished;

  const trail = received.filter((event) => 'job' in event && event.job.id === jobId).map((event) => event.type);
  assert.equal(trail[0], 'job.created');
  assert.equal(trail.at(-1), 'job.finished');

  const report = await client.getReport(jobId);
  assert.equal(report.job.status, 'succeeded');
  assert.equal(report.job.type, 'word-count');
  assert.equal(report.job.user.id, 'ada');
  assert.deepEqual(report.job.params, { text: 'one two three\n\nfour five', minLength: 1 });
  assert.equal(report.job.progress.done, 3);
  assert.equal(report.job.progress.total, 3);
  assert.equal(report.job.progress.message, 'Line 3 of 3');
  assert.deepEqual(report.job.counters, { lines: 3, words: 5 });
  assert.deepEqual(
    report.steps.map((step) => [step.name, step.status, step.counters]),
    [['count', 'succeeded', { lines: 3, words: 5 }]],
  );
  assert.deepEqual(report.messageCounts, { info: 0, warning: 1, error: 0 });

  const messages = await client.listMessages(jobId);
  assert.deepEqual(
    messages.items.map(({ level, message, item, step }) => ({ level, message, item, step })),
    [{ level: 'warning', message: 'Line 2 is blank', item: { line: 2 }, step: 'count' }],
  );
});

test('params the job type does not accept answer 422 problem details, and nothing is queued', async () => {
  const before = await client.listJobs();
  for (const params of [{ text: '' }, { text: 'a b', minLength: 0 }, { text: 'a b', colour: 'red' }]) {
    await assert.rejects(client.launch('word-count', params), (error) => {
      assert.ok(error instanceof JobsApiError);
      assert.equal(error.status, 422);
      assert.equal(error.code, 'invalid_params');
      return true;
    });
  }
  assert.equal((await client.listJobs()).total.value, before.total.value);
});

test('the API answers 401 without the placeholder token', async () => {
  const anonymous = createJobsClient({
    baseUrl: `${host.url}/api`,
    fetch: contractChecked((request) => fetch(request)),
  });
  await assert.rejects(anonymous.me(), (error) => error instanceof JobsApiError && error.status === 401);
});

test("the host's own route answers next to /api", async () => {
  const response = await fetch(`${host.url}/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true });
});
