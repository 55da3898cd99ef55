import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  artifactInput,
  countInput,
  messageInput,
  progressInput,
  stepInput,
  thrownCode,
  thrownMessage,
} from '../../../server/queue/handlerInput.js';

test('progress(): finite numbers up to the integer column, a total of 0 or more, text made storable', () => {
  assert.deepEqual(progressInput(2.7, 10, 'a\u0000b'), { done: 2, total: 10, message: 'a\uFFFDb' });
  assert.deepEqual(progressInput(-5, null, undefined), { done: 0, total: null, message: undefined });
  for (const [done, total] of [
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, Number.NaN],
    [3e9, 4e9],
    ['5', 10],
    [1, -1],
  ]) {
    assert.throws(() => progressInput(done, total, null), RangeError, `${done}, ${total}`);
  }
  assert.throws(() => progressInput(1, 2, 42), /progress\(\): message must be a string, not 42/);
});

test('count(): a whole number from 0, any counter name', () => {
  assert.deepEqual(countInput('toString', 3), { counter: 'toString', by: 3 });
  for (const by of [Number.NaN, -1, 1.5, 1e20, '5']) {
    assert.throws(() => countInput('read', by), /count\(\): by must be a whole number/, String(by));
  }
  assert.throws(() => countInput(undefined, 1), TypeError);
});

test('step(): a name and a label, as text', () => {
  assert.deepEqual(stepInput('load\u0000', 'Load'), { name: 'load\uFFFD', label: 'Load' });
  assert.throws(() => stepInput(undefined, undefined), /step\(\): name must be a string, not undefined/);
});

test('messages: text, and an object item copied as storable JSON when the call is made', () => {
  const item = { row: 2, 'k\u0000': ['\uD800'], nested: { at: new Date(0) } };
  const input = messageInput('warn()', 'Bad row', item);
  item.row = 3;
  assert.deepEqual(input, {
    message: 'Bad row',
    item: { row: 2, 'k\uFFFD': ['\uFFFD'], nested: { at: '1970-01-01T00:00:00.000Z' } },
  });
  assert.deepEqual(messageInput('info()', 'x', undefined), { message: 'x', item: null });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.throws(() => messageInput('warn()', 'x', circular), /warn\(\): item must be JSON \(Converting circular/);
  assert.throws(() => messageInput('warn()', 'x', { n: 1n }), /warn\(\): item must be JSON/);
  for (const bad of [[1], 'row 2', 7, new Date(0), { toJSON: () => 'text' }]) {
    assert.throws(() => messageInput('error()', 'x', bad), /error\(\): item must be an object/);
  }
  assert.throws(() => messageInput('warn()', undefined, null), /warn\(\): message must be a string/);
});

test('saveArtifact(): a name fit for the download address, a role, a media type and data', () => {
  const good = { name: 'report.csv', role: 'output', fileName: 'r\u0000.csv', contentType: 'text/csv; charset=utf-8' };
  const saved = artifactInput({ ...good, role: 'output', data: 'a,b' });
  assert.equal(saved.fileName, 'r\uFFFD.csv');
  assert.deepEqual([...saved.data], [...Buffer.from('a,b')]);
  assert.equal(
    artifactInput({ ...good, role: 'output', fileName: '', data: new Uint8Array([1]) }).fileName,
    'report.csv',
  );
  for (const name of ['../x', '', '..', 'my export.csv', 'x'.repeat(129), 'a\u0000']) {
    assert.throws(() => artifactInput({ ...good, role: 'output', name, data: '' }), /name must be 1 to 128/, name);
  }
  assert.throws(() => artifactInput({ ...good, role: 'result' as 'output', data: '' }), /role must be/);
  for (const contentType of ['garbage', '', 'text/plain\r\nX-Evil: 1']) {
    assert.throws(() => artifactInput({ ...good, role: 'output', contentType, data: '' }), /contentType/);
  }
  assert.throws(() => artifactInput({ ...good, role: 'output', data: 42 as unknown as string }), /data must be/);
});

test('a thrown value always becomes a message and, when fit to filter by, a code', () => {
  assert.equal(thrownMessage(new Error('bad\u0000')), 'bad\uFFFD');
  assert.equal(thrownMessage('plain'), 'plain');
  assert.equal(thrownMessage(undefined), 'undefined');
  assert.match(thrownMessage(Object.create(null)), /cannot be shown as text/);
  const hostile = {
    toString() {
      throw new Error('no');
    },
  };
  assert.match(thrownMessage(hostile), /cannot be shown as text/);
  const hostileError = new Error('x');
  Object.defineProperty(hostileError, 'message', {
    get() {
      throw new Error('no');
    },
  });
  assert.match(thrownMessage(hostileError), /cannot be shown as text/);
  assert.equal(thrownCode(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })), 'ERR_INVALID_ARG_TYPE');
  // What pg and PGlite throw: a SQLSTATE with a severity.
  assert.equal(thrownCode(Object.assign(new Error('x'), { code: '22003', severity: 'ERROR' })), 'database_error');
  for (const code of ['x\u0000', '', 'a b', 'c'.repeat(101), 42]) {
    assert.equal(thrownCode(Object.assign(new Error('x'), { code })), null, String(code));
  }
  assert.equal(thrownCode(null), null);
});
