import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JobTypeRegistry } from '../../../server/http/registry.js';
import { jobType } from '../fixtures.js';

describe('JobTypeRegistry: sensitive params', () => {
  const registry = new JobTypeRegistry([
    jobType('sync', async () => {}, {
      paramsSchema: {
        type: 'object',
        properties: {
          target: { type: 'string', title: 'Target' },
          password: { type: 'string', title: 'Password', writeOnly: true },
          auth: {
            type: 'object',
            title: 'Sign-in',
            properties: { user: { type: 'string' }, token: { type: 'string', writeOnly: true } },
          },
          keys: { type: 'array', title: 'API keys', items: { type: 'string', writeOnly: true } },
        },
      },
    }),
  ]);

  test('a param holding a writeOnly part is sensitive as a whole, so no view or search shows the part', () => {
    const sensitive = Object.fromEntries(registry.params('sync').map((param) => [param.name, param.sensitive]));
    assert.deepEqual(sensitive, { target: false, password: true, auth: true, keys: true });
    assert.deepEqual(registry.sensitiveParams().sort(), ['auth', 'keys', 'password']);
  });
});
