import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDb } from '../../../server/db/index.js';
import type { Db } from '../../../server/db/types.js';
import { dbKinds, openTestDb } from '../../support/db.js';

for (const kind of dbKinds) {
  describe(`named (prepared) statements on ${kind}`, () => {
    let db: Db;
    before(async () => {
      db = await openTestDb(kind);
      await db.query(`create table named_test (id bigint primary key, at timestamptz, tags text[], doc jsonb)`);
    });
    after(async () => {
      await db.close();
    });

    const insert = `insert into named_test (id, at, tags, doc) values ($1::bigint, $2::timestamptz, $3::text[], $4::jsonb)
returning id, at, tags, doc`;
    const select = `select id, at, tags, doc from named_test where id = any($1::bigint[]) order by id`;

    test('bind typed parameters (dates, arrays, JSON, nulls) and read rows as an unnamed statement does', async () => {
      const at = new Date('2026-12-02T10:00:00.123Z');
      const first = await db.query(insert, ['1', at, ['a', 'b,c'], JSON.stringify({ x: 1 })], { name: 'named_insert' });
      const second = await db.query(insert, ['2', null, [], null], { name: 'named_insert' });
      assert.deepEqual(first.rows, [{ id: '1', at, tags: ['a', 'b,c'], doc: { x: 1 } }]);
      assert.deepEqual(second.rows, [{ id: '2', at: null, tags: [], doc: null }]);
      assert.equal(first.affectedRows, 1);
      const named = await db.query(select, [['1', '2']], { name: 'named_select' });
      const unnamed = await db.query(select, [['1', '2']]);
      assert.deepEqual(named.rows, unnamed.rows);
      assert.equal(named.rows.length, 2);
    });

    test('an error names its cause and leaves the statement usable; on PGlite a name cannot serve other SQL', async () => {
      await assert.rejects(db.query(insert, ['1', null, [], null], { name: 'named_insert' }), { code: '23505' });
      await assert.rejects(db.query(`select nonsense from`, [], { name: 'named_broken' }), { code: '42601' });
      const again = await db.query(select, [['1']], { name: 'named_select' });
      assert.equal(again.rows.length, 1);
      // pg reports the same mistake only when the pool hands out the connection that prepared the name.
      if (kind === 'pglite') {
        await assert.rejects(db.query(`select 1`, [], { name: 'named_select' }), /already used for another SQL text/);
      }
    });

    test('inside a transaction they see its writes, and a rollback undoes theirs', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(insert, ['10', null, [], null], { name: 'named_insert' });
          const seen = await tx.query(select, [['10']], { name: 'named_select' });
          assert.equal(seen.rows.length, 1);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal((await db.query(select, [['10']], { name: 'named_select' })).rows.length, 0);
    });

    test('outside a transaction they wait for an open one to end instead of running inside it', async () => {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted = () => {};
      const insertDone = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const transaction = db.transaction(async (tx) => {
        await tx.query(insert, ['20', null, [], null], { name: 'named_insert' });
        inserted();
        await held;
        await tx.query(`update named_test set tags = array['committed'] where id = 20`);
      });
      await insertDone;
      const outside = db.query<{ tags: string[] }>(select, [['20']], { name: 'named_select' });
      // On PGlite the outside statement queues behind the transaction; on PostgreSQL it runs on another connection
      // and does not see the uncommitted row. Either way it never reads the transaction's half-done state.
      setTimeout(release, 50);
      const [{ rows }] = await Promise.all([outside, transaction]);
      assert.deepEqual(
        rows.map((row) => row.tags),
        kind === 'pglite' ? [['committed']] : [],
      );
    });

    test('a NOTIFY sent by a named statement reaches listeners', async () => {
      let heard: (payload: string) => void = () => {};
      const payload = new Promise<string>((resolve) => {
        heard = resolve;
      });
      const unlisten = await db.listen('named_test_channel', (message) => heard(message));
      await db.query(`select pg_notify('named_test_channel', $1::text)`, ['hello'], { name: 'named_notify' });
      assert.equal(await payload, 'hello');
      await unlisten();
    });
  });
}

describe('embedded PGlite and the event loop', () => {
  let db: Db;
  before(async () => {
    db = await openTestDb('pglite');
  });
  after(async () => {
    await db.close();
  });

  test('a caller looping over statements lets timers and requests in between them', async () => {
    let queriesBeforeTimer: number | null = null;
    let queries = 0;
    setTimeout(() => {
      queriesBeforeTimer = queries;
    }, 0);
    for (; queries < 200; queries++) {
      await (queries % 2 === 0 ? db.query('select 1') : db.query('select 1', [], { name: 'loop_select' }));
    }
    assert.notEqual(queriesBeforeTimer, null, 'the timer waited for the whole loop');
    assert.ok(queriesBeforeTimer! < 200);
    await db.transaction(async (tx) => {
      queriesBeforeTimer = null;
      queries = 0;
      setTimeout(() => {
        queriesBeforeTimer = queries;
      }, 0);
      for (; queries < 50; queries++) await tx.query('select 1');
    });
    assert.ok(queriesBeforeTimer !== null && queriesBeforeTimer < 50, 'the timer waited for the whole transaction');
  });
});

describe('a PGlite data folder', () => {
  test('is held by one process at a time; a lock left by a process that died is taken over', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pglite-lock-'));
    try {
      const first = await openDb({ dataDir });
      await assert.rejects(openDb({ dataDir }), new RegExp(`in use by process ${process.pid}; stop it`));
      await first.close();
      // As a process killed with SIGKILL leaves it.
      writeFileSync(join(dataDir, 'job-tracker.lock'), String(spawnSync('true').pid));
      const again = await openDb({ dataDir });
      await assert.rejects(openDb({ dataDir }), /in use by process/);
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
