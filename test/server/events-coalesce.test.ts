/** Server-side progress coalescing (server/events/coalesce.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesceProgress } from '../../server/events/coalesce.js';
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

test('in one read, only the last progress of a job survives; other events and other jobs are kept', () => {
  const rows = [
    event('job.progress', '1', 0),
    event('job.progress', '2', 10),
    event('job.progress', '1', 20),
    event('job.finished', '2', 30),
    event('job.progress', '1', 40),
  ];
  assert.deepEqual(ids(coalesceProgress(rows)), ['job.progress:2@10', 'job.finished:2@30', 'job.progress:1@40']);
});

test('the last progress of a read is always delivered, however soon after the previous read', () => {
  // A job that reports progress twice in quick succession and then goes quiet must not be left showing the first.
  assert.equal(coalesceProgress([event('job.progress', '1', 1000)]).length, 1);
  assert.deepEqual(ids(coalesceProgress([event('job.progress', '1', 1010)])), ['job.progress:1@1010']);
});
