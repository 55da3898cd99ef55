/** `server/events/streamTokens.ts`: a token verifies exactly as issued, for its lifetime, on servers sharing the secret. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../server/auth/types.js';
import { streamTokens } from '../../server/events/streamTokens.js';

const alice: Principal = { id: 'alice', name: 'Alice', email: null, locale: 'en', permissions: [] };

test('a token opens the stream for whom it was issued, until it expires, on every server sharing the secret', () => {
  let now = Date.parse('2026-12-03T10:00:00Z');
  const tokens = streamTokens({ secret: 's3cret', ttlMs: 60_000, now: () => now });
  const { token, expiresAt } = tokens.issue(alice);
  assert.equal(expiresAt, '2026-12-03T10:01:00.000Z');
  assert.deepEqual(tokens.verify(token), alice);
  assert.deepEqual(streamTokens({ secret: 's3cret', now: () => now }).verify(token), alice);
  assert.equal(streamTokens({ secret: 'another', now: () => now }).verify(token), null);
  now += 60_000;
  assert.equal(tokens.verify(token), null, 'expired');
});

test('a token verifies only as issued: no variant of it does', () => {
  const tokens = streamTokens({ secret: 's3cret' });
  const { token } = tokens.issue(alice);
  const [payload, signature] = token.slice('st_'.length).split('.') as [string, string];
  const variants = [
    `${token}.x`,
    `${token}=`,
    `${token}==`,
    `${token}%`,
    `st_${payload}.${signature}.`,
    `st_.${signature}`,
    `st_${payload}.`,
    `st_${payload}`,
    token.slice('st_'.length),
    `st_${payload}.${signature.slice(0, -1)}`,
  ];
  for (const variant of variants) assert.equal(tokens.verify(variant), null, variant);
});
