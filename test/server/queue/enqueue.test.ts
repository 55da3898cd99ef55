import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../../server/db/types.js';
import { enqueueJob, enqueueJobs } from '../../../server/queue/enqueue.js';
import type { JsonObject } from '../../../server/queue/types.js';
import { dbKinds } from '../../support/db.js';
import { useQueueSchema } from './helpers.js';

const user = { userId: 'u1', userName: 'User One' };

for (const kind of dbKinds) {
  describe(`enqueueing from host code on ${kind}`, () => {
    let db: Db;
    useQueueSchema(kind, (opened) => {
      db = opened;
    });
    const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from jobs`)).rows[0]!.n;

    test('a job the database would refuse is an error naming its field, and nothing is queued', async () => {
      await assert.rejects(
        enqueueJob(db, { type: 'import', ...user, params: { file: 'a\u0000.csv' } }),
        new TypeError('enqueueJob(): params/file must not contain the NUL character (U+0000).'),
      );
      await assert.rejects(
        enqueueJob(db, { type: 'import', ...user, subjects: ['product:\uD800'] }),
        /^TypeError: enqueueJob\(\): subjects\/0 must not contain an unpaired UTF-16 surrogate\.$/,
      );
      await assert.rejects(
        enqueueJob(db, { type: 'import', ...user, params: [1] as unknown as JsonObject }),
        /params must be an object, not an array/,
      );
      await assert.rejects(
        enqueueJobs(db, [
          { type: 'import', ...user },
          { type: 'import', ...user, params: { 'k\u0000': 1 } },
        ]),
        new TypeError(
          'enqueueJobs(), job 1: params/k\u0000 has a name that must not contain the NUL character (U+0000).',
        ),
      );
      assert.equal(await count(), 0);
      assert.equal(await enqueueJobs(db, [{ type: 'import', ...user, params: { file: 'a.csv' } }]), 1);
    });
  });
}
