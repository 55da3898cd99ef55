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

describe('JobTypeRegistry: secrets a schema marks elsewhere than in a declared param', () => {
  const registry = new JobTypeRegistry([
    jobType('refs', async () => {}, {
      paramsSchema: {
        type: 'object',
        $defs: {
          secret: { type: 'string', writeOnly: true },
          tree: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/tree' } } } },
        },
        properties: {
          apiKey: { $ref: '#/$defs/secret' },
          pin: { $ref: '#pin' },
          tree: { $ref: '#/$defs/tree' },
          note: { type: 'string' },
          other: { $anchor: 'pin', type: 'string', writeOnly: true },
        },
      },
    }),
    jobType('patterns', async () => {}, {
      paramsSchema: {
        type: 'object',
        properties: { name: { type: 'string' }, tokenMain: { type: 'string' } },
        patternProperties: { '^token': { type: 'string', writeOnly: true } },
      },
    }),
    jobType('extra', async () => {}, {
      paramsSchema: {
        type: 'object',
        properties: { url: { type: 'string' } },
        additionalProperties: { writeOnly: true },
      },
    }),
  ]);

  test('a param referring to a writeOnly definition, or a declared param a writeOnly pattern matches, is sensitive', () => {
    const sensitive = (type: string) =>
      Object.fromEntries(registry.params(type).map((param) => [param.name, param.sensitive]));
    assert.deepEqual(sensitive('refs'), { apiKey: true, pin: true, tree: false, note: false, other: true });
    assert.deepEqual(sensitive('patterns'), { name: false, tokenMain: true });
  });

  test('a type whose secrets are no declared param hides its undeclared params, and search reads only its others', () => {
    assert.deepEqual(
      ['refs', 'patterns', 'extra'].map((type) => registry.hidesUndeclared(type)),
      [false, true, true],
    );
    assert.deepEqual(registry.declaredOnlyParams(), { patterns: ['name'], extra: ['url'] });
  });
});

describe('JobTypeRegistry: definitions the contract could not carry', () => {
  test('refuses at start-up a type ID the contract does not allow, saying which', () => {
    for (const type of ['Import_CSV', '1-import', 'import csv', '', 'a'.repeat(65)]) {
      assert.throws(() => new JobTypeRegistry([jobType(type, async () => {})]), /Job type ID .* must be/, type);
    }
    assert.doesNotThrow(() => new JobTypeRegistry([jobType('import-csv-2', async () => {})]));
  });

  test('refuses at start-up a label or category missing a language (a JavaScript host has no type check)', () => {
    const englishOnly = { ...jobType('export', async () => {}), label: { en: 'Export' } };
    assert.throws(
      () => new JobTypeRegistry([englishOnly as unknown as ReturnType<typeof jobType>]),
      /Job type export: label\.fr must be a string/,
    );
    const noCategory = { ...jobType('export', async () => {}), category: { en: ['Data'] } };
    assert.throws(
      () => new JobTypeRegistry([noCategory as unknown as ReturnType<typeof jobType>]),
      /Job type export: category\.fr must be a list of strings/,
    );
  });
});
