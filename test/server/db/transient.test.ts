import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { isDbOutage, isTransientDbError, retryTransient } from '../../../server/db/transient.js';
import { testDatabaseUrl } from '../../support/db.js';

const withCode = (code: string) => Object.assign(new Error('from the server'), { code });

describe('isTransientDbError', () => {
  test('a lost or refused connection, a restarting server and a lost race are transient', () => {
    for (const code of ['08006', '08001', '57P01', '57P03', '53300', '40001', '40P01', 'ECONNREFUSED', 'ECONNRESET']) {
      assert.equal(isTransientDbError(withCode(code)), true, code);
    }
    assert.equal(isTransientDbError(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isTransientDbError(new Error('timeout exceeded when trying to connect')), true);
    assert.equal(isTransientDbError(new Error('timeout expired')), true);
    assert.equal(isTransientDbError(new Error('Query read timeout')), true);
  });

  test('an error in the statement or its data is not: running it again would fail again', () => {
    for (const code of ['23505', '22P02', '42P01', '42703', 'XX000', '57014']) {
      assert.equal(isTransientDbError(withCode(code)), false, code);
    }
    assert.equal(isTransientDbError(new TypeError('Cannot read properties of undefined')), false);
    assert.equal(isTransientDbError(null), false);
    assert.equal(isTransientDbError('Connection terminated'), false);
  });

  test('what pg really throws when the server ends the session is transient', async () => {
    const victim = new pg.Client({ connectionString: testDatabaseUrl });
    victim.on('error', () => {});
    await victim.connect();
    const killer = new pg.Client({ connectionString: testDatabaseUrl });
    await killer.connect();
    try {
      const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
      // Caught from the start: the error may come back before the killer's own answer does.
      const sleeping = victim.query('select pg_sleep(10)').then(
        () => null,
        (thrown: unknown) => thrown,
      );
      await killer.query('select pg_terminate_backend($1::int)', [rows[0]!.pid]);
      const error = await sleeping;
      assert.notEqual(error, null, 'the query outlived its session');
      assert.equal(isTransientDbError(error), true, String(error));
    } finally {
      await killer.end();
      await victim.end().catch(() => {});
    }
  });
});

describe('isDbOutage', () => {
  test('a database out of reach is an outage; a lost race or a bad statement is not', () => {
    for (const code of ['08006', '57P01', '53300', 'ECONNREFUSED'])
      assert.equal(isDbOutage(withCode(code)), true, code);
    assert.equal(isDbOutage(new Error('Query read timeout')), true);
    for (const code of ['40001', '40P01', '23505']) assert.equal(isDbOutage(withCode(code)), false, code);
    assert.equal(isDbOutage(null), false);
  });
});

describe('retryTransient', () => {
  test('runs the work again while it fails transiently, reporting the first failure only', async () => {
    let calls = 0;
    const reported: unknown[] = [];
    const result = await retryTransient(
      async () => {
        calls++;
        if (calls < 4) throw withCode('57P01');
        return 'written';
      },
      Date.now() + 10_000,
      (error) => reported.push(error),
    );
    assert.equal(result, 'written');
    assert.equal(calls, 4);
    assert.equal(reported.length, 1);
  });

  test('throws at once an error that is not transient', async () => {
    let calls = 0;
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          throw withCode('23505');
        },
        Date.now() + 10_000,
        () => {},
      ),
      { code: '23505' },
    );
    assert.equal(calls, 1);
  });

  test('gives up with the last error once the next pause would pass the deadline', async () => {
    let calls = 0;
    const started = Date.now();
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          throw withCode('08006');
        },
        started + 250,
        () => {},
      ),
      { code: '08006' },
    );
    // Pauses of 100 then 200 ms: the second would end past the deadline.
    assert.equal(calls, 2);
    assert.ok(Date.now() - started < 250);
  });
});
