/**
 * Holds a PGlite data folder for one process. PGlite keeps the database in memory and writes it back to the folder,
 * so a second process on the same folder worked on its own copy: each saw only its own jobs, and what one wrote was
 * lost when the other wrote back. A lock file names the holder's process; one left by a process that died is taken
 * over.
 *
 * Two things keep two processes starting at once from both winning. The lock file never exists empty: it is written
 * under a name of its own and then linked into place, which fails if the lock exists (a reader used to find it
 * empty between its creation and its write, take it for a dead holder's, and remove it). And a dead holder's lock is
 * removed only under a second, short-lived lock, after reading it again there: two processes that both found it dead
 * used to remove it in turn, the second removing the lock the first had just taken.
 */
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A takeover lasts a few file operations; one older than this was left by a process that died in the middle. */
const abandonedTakeoverMs = 5_000;

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Takes `dataDir` for this process, or throws naming the process that holds it. Resolves to the release. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'job-tracker.lock');
  const candidate = `${lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(candidate, String(process.pid));
  try {
    for (;;) {
      try {
        await link(candidate, lockFile);
        return () => releaseLock(lockFile);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = await readHolder(lockFile);
      if (holder !== null && isAlive(holder)) {
        throw new Error(`the folder is in use by process ${holder}; stop it, or set DATA_DIR to another folder`);
      }
      await removeIfStill(lockFile, holder);
    }
  } finally {
    await rm(candidate, { force: true });
  }
}

/** The process named in the lock file; null when it is gone, empty or unreadable (left by a crash). */
async function readHolder(lockFile: string): Promise<number | null> {
  try {
    const holder = Number(await readFile(lockFile, 'utf8'));
    return Number.isInteger(holder) && holder > 0 ? holder : null;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Removes the lock file if, read again under the takeover lock, it still names the dead `holder`. */
async function removeIfStill(lockFile: string, holder: number | null): Promise<void> {
  const takeover = `${lockFile}.takeover`;
  try {
    await writeFile(takeover, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const since = await stat(takeover).then(
      (stats) => Date.now() - stats.mtimeMs,
      () => 0,
    );
    if (since > abandonedTakeoverMs) await rm(takeover, { force: true });
    else await sleep(10);
    return;
  }
  try {
    if ((await readHolder(lockFile)) === holder) await rm(lockFile, { force: true });
  } finally {
    await rm(takeover, { force: true });
  }
}

/** Removes the lock file unless another process holds it now (after a takeover of a lock this one lost). */
async function releaseLock(lockFile: string): Promise<void> {
  if ((await readHolder(lockFile)) === process.pid) await rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it lives, under another user.
    return errorCode(error) === 'EPERM';
  }
}
