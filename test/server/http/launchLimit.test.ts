import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LaunchLimit } from '../../../server/http/launchLimit.js';
import { ProblemError } from '../../../server/http/problem.js';

const refusal = (take: () => void): ProblemError => {
  try {
    take();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  assert.fail('the launch was allowed');
};

test("allows a burst of the minute's allowance, then one launch per share of the minute, per user", () => {
  let now = 0;
  const limit = new LaunchLimit(6, () => now);
  for (let i = 0; i < 6; i++) limit.take('alice');
  const refused = refusal(() => limit.take('alice'));
  assert.equal(refused.status, 429);
  assert.equal(refused.code, 'rate_limited');
  assert.equal(refused.headers?.['retry-after'], '10');
  assert.equal(refused.message, 'At most 6 new jobs a minute; retry in 10 s.');
  limit.take('bob');
  now = 4_000;
  assert.equal(refusal(() => limit.take('alice')).headers?.['retry-after'], '6');
  now = 10_000;
  limit.take('alice');
  assert.equal(refusal(() => limit.take('alice')).headers?.['retry-after'], '10');
  // A quiet hour refills the bucket to the allowance, not beyond it.
  now = 3_600_000;
  for (let i = 0; i < 6; i++) limit.take('alice');
  refusal(() => limit.take('alice'));
});
