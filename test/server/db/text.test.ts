import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storableText, unstorableText } from '../../../server/db/text.js';

test('text: no NUL and no UTF-16 half without its pair', () => {
  for (const text of ['', 'plain', 'émoji 😀', '\uD83D\uDE00']) assert.equal(unstorableText(text), null, text);
  assert.match(unstorableText('a\u0000b') ?? '', /NUL/);
  for (const text of ['\uD800', 'a\uDC00', '\uDE00\uD83D', 'x\uD83Dy']) {
    assert.match(unstorableText(text) ?? '', /surrogate/, JSON.stringify(text));
  }
});

test('storable text: NUL and unpaired surrogates become U+FFFD, pairs stay', () => {
  assert.equal(storableText('a\u0000b\uD800c\uDC00\uD83D\uDE00'), 'a\uFFFDb\uFFFDc\uFFFD\uD83D\uDE00');
  assert.equal(storableText('plain'), 'plain');
  for (const text of ['\u0000\u0000', '\uDE00\uD83D', 'x\uD83D'])
    assert.equal(unstorableText(storableText(text)), null);
});
