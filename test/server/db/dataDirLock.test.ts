/**
 * `server/db/dataDirLock.ts`: one holder of a PGlite data folder at a time, a dead holder's lock taken over, and
 * takers that arrive together. Takers in this one process interleave at each file operation, as processes do; they
 * share a process ID, so the loser is told the folder is in use by this process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockDataDir } from '../../../server/db/dataDirLock.js';

/** A process ID that no process has now: one that just ended. */
const deadPid = () => String(spawnSync('true').pid);

describe('the PGlite data folder lock', () => {
  let dataDir: string;
  let lockFile: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'data-dir-lock-'));
    lockFile = join(dataDir, 'job-tracker.lock');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Starts `count` takers at once; the releases of those that won, and the errors of those that lost. */
  async function race(count: number) {
    // Each a few microtasks and I/O turns after the last, so their steps interleave in many orders.
    const outcomes = await Promise.allSettled(
      Array.from({ length: count }, async (_, index) => {
        for (let turn = 0; turn < index; turn++) await new Promise((resolve) => setImmediate(resolve));
        return lockDataDir(dataDir);
      }),
    );
    const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
    return { won, lost };
  }

  test('goes to one of several takers of a free folder, and names its holder to the others', async () => {
    for (let round = 0; round < 20; round++) {
      const { won, lost } = await race(4);
      assert.equal(won.length, 1, `round ${round}: ${won.length} takers hold the folder`);
      for (const error of lost) assert.match(error.message, new RegExp(`in use by process ${process.pid}; stop it`));
      assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid));
      await won[0]!();
      assert.equal(existsSync(lockFile), false, 'released');
    }
  });

  test('taken over from a holder that died by one of several takers at once', async () => {
    for (let round = 0; round < 20; round++) {
      writeFileSync(lockFile, deadPid());
      const { won, lost } = await race(4);
      assert.equal(won.length, 1, `round ${round}: ${won.length} takers hold the folder`);
      assert.equal(lost.length, 3);
      await won[0]!();
    }
  });

  test('taken over when left empty or unreadable by a crash', async () => {
    writeFileSync(lockFile, '');
    const release = await lockDataDir(dataDir);
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid));
    await release();
  });

  test('is not taken from a live holder, and a release leaves a lock it no longer holds alone', async () => {
    writeFileSync(lockFile, String(process.ppid));
    await assert.rejects(lockDataDir(dataDir), new RegExp(`in use by process ${process.ppid}`));
    rmSync(lockFile);
    const release = await lockDataDir(dataDir);
    writeFileSync(lockFile, String(process.ppid));
    await release();
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.ppid), 'another holder kept its lock');
  });

  test('waits for a takeover in progress, and clears one abandoned by a process that died in it', async () => {
    const takeover = `${lockFile}.takeover`;
    writeFileSync(lockFile, deadPid());
    writeFileSync(takeover, deadPid());
    let taken = false;
    const taking = lockDataDir(dataDir).then((release) => {
      taken = true;
      return release;
    });
    await sleep(200);
    assert.equal(taken, false, 'took the folder while another process was taking it over');
    const abandonedAt = new Date(Date.now() - 60_000);
    utimesSync(takeover, abandonedAt, abandonedAt);
    const release = await taking;
    assert.equal(readFileSync(lockFile, 'utf8'), String(process.pid));
    assert.equal(existsSync(takeover), false);
    await release();
  });
});
