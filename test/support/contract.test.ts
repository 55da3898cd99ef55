import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractViolation, checkResponse, validateSchema } from './contract.js';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

const me = { id: 'alice', name: 'Alice', email: null, locale: 'en', permissions: ['jobs:read:own'] };

test('accepts a response the contract allows', async () => {
  await checkResponse('GET', 'http://x/api/me', json(200, me));
});

test('rejects a field the contract does not document, in a schema extended by allOf too', async () => {
  await assert.rejects(checkResponse('GET', 'http://x/api/me', json(200, { ...me, extra: 1 })), ContractViolation);
  await assert.rejects(
    checkResponse('GET', 'http://x/api/me', json(200, { ...me, permissions: ['jobs:fly'] })),
    ContractViolation,
  );
});

test('rejects a status the operation does not declare', async () => {
  await assert.rejects(checkResponse('GET', 'http://x/api/me', json(404, {})), /status not in the contract/);
});

test('checks problem details through shared responses', async () => {
  const problem = { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' };
  await checkResponse('GET', 'http://x/api/jobs/12', json(404, problem, 'application/problem+json'));
  await assert.rejects(
    checkResponse('GET', 'http://x/api/jobs/12', json(404, { title: 'x' }, 'application/problem+json')),
    ContractViolation,
  );
});

test("checks HEAD as the GET operation's status and media type, with no body", async () => {
  const head = (body: string | null, type = 'application/json') =>
    new Response(body, { status: 200, headers: { 'content-type': type } });
  await checkResponse('HEAD', 'http://x/api/me', head(null));
  await assert.rejects(checkResponse('HEAD', 'http://x/api/me', head('{}')), /allows no body/);
  await assert.rejects(checkResponse('HEAD', 'http://x/api/me', head(null, 'text/html')), /media type/);
  await assert.rejects(checkResponse('HEAD', 'http://x/api/events/token', head(null)), /not in the contract/);
});

test('accepts an empty 204 and rejects a path outside the contract', async () => {
  await checkResponse('DELETE', 'http://x/api/jobs/1', new Response(null, { status: 204 }));
  await assert.rejects(checkResponse('GET', 'http://x/api/nope', json(200, {})), /not in the contract/);
});

test('validates stream events by schema name', () => {
  validateSchema('StreamEvent', { type: 'job.deleted', jobId: '5' });
  assert.throws(() => validateSchema('StreamEvent', { type: 'job.deleted' }), ContractViolation);
});
