/** Server-side progress coalescing (server/events/coalesce.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressCoalescer } from '../../server/events/coalesce.js';
import type { EventKind, EventRow } from '../../server/events/queries.js';

let nextId = 1;
const event = (kind: EventKind, jobId: string, atMs: number): EventRow => ({
  id: String(nextId++),
  batch_id: '1',
  kind,
  job_id: jobId,
  user_id: 'alice',
  at: new Date(atMs),
  notification_id: null,
});
const ids = (rows: EventRow[]) => rows.map((row) => `${row.kind}:${row.job_id}@${row.at.getTime()}`);

test('in one batch, only the last progress of a job survives; other events and other jobs are kept', () => {
  const coalescer = new ProgressCoalescer(200);
  const rows = [
    event('job.progress', '1', 0),
    event('job.progress', '2', 10),
    event('job.progress', '1', 20),
    event('job.finished', '2', 30),
    event('job.progress', '1', 40),
  ];
  assert.deepEqual(ids(coalescer.filter(rows)), ['job.progress:2@10', 'job.finished:2@30', 'job.progress:1@40']);
});

test('across batches, at most one progress per job per interval', () => {
  const coalescer = new ProgressCoalescer(200);
  assert.equal(coalescer.filter([event('job.progress', '1', 1000)]).length, 1);
  assert.equal(coalescer.filter([event('job.progress', '1', 1100)]).length, 0);
  assert.equal(coalescer.filter([event('job.progress', '1', 1250)]).length, 1);
  // A finished job starts afresh (a retried job ID never comes back, but the memory is freed).
  assert.equal(coalescer.filter([event('job.finished', '1', 1300)]).length, 1);
  assert.equal(coalescer.filter([event('job.progress', '1', 1310)]).length, 1);
});
