import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unstorableText } from '../../../server/db/text.js';
import { isStorableDate, isStorableDateTime } from '../../../server/http/storable.js';
import { dbKinds, openTestDb } from '../../support/db.js';

test('dates: RFC 3339 full-dates from year 0001', () => {
  for (const date of ['0001-01-01', '2024-02-29', '9999-12-31']) assert.ok(isStorableDate(date), date);
  for (const date of ['0000-01-01', '2023-02-29', '2026-13-01', '26-01-01', '2026-01-01T00:00:00Z']) {
    assert.ok(!isStorableDate(date), date);
  }
});

test('date-times: RFC 3339 with an offset of at most 15:59 either way', () => {
  for (const value of [
    '2026-12-03T06:15:20Z',
    '2026-12-03t06:15:20.123456789z',
    '0001-01-01T00:00:00-15:59',
    '9999-12-31T23:59:59+15:59',
    '2026-12-03T06:15:20+05:30',
  ]) {
    assert.ok(isStorableDateTime(value), value);
  }
  for (const value of [
    '0000-01-01T00:00:00Z',
    '2026-01-01T00:00:00+16:00',
    '2026-01-01T00:00:00-23:59',
    '2026-01-01T00:00:00',
    '2026-02-30T00:00:00Z',
    '2026-01-01',
  ]) {
    assert.ok(!isStorableDateTime(value), value);
  }
});

// The checks stand for PostgreSQL's own: what they accept it stores, what they refuse it refuses.
for (const kind of dbKinds) {
  test(`${kind} stores what the checks accept and refuses what they refuse`, async () => {
    const db = await openTestDb(kind);
    try {
      const stores = (sql: string, value: string) =>
        db.query(sql, [value]).then(
          () => true,
          () => false,
        );
      for (const value of [
        '0001-01-01T00:00:00-15:59',
        '9999-12-31T23:59:59+15:59',
        '0000-01-01T00:00:00Z',
        '2026-01-01T00:00:00+16:00',
      ]) {
        assert.equal(await stores('select $1::timestamptz', value), isStorableDateTime(value), value);
      }
      for (const value of ['0001-01-01', '0000-01-01']) {
        assert.equal(await stores('select $1::date', value), isStorableDate(value), value);
      }
      for (const text of ['a\u0000b', '\uD800', 'ok']) {
        const storable = unstorableText(text) === null;
        assert.equal(await stores('select $1::jsonb', JSON.stringify(text)), storable, JSON.stringify(text));
      }
      assert.equal(await stores('select $1::text', 'a\u0000b'), false);
    } finally {
      await db.close();
    }
  });
}
