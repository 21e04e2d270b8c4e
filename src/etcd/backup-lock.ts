// One backup at a time per backup directory: an O_EXCL lock file holding the owner's pid and
// start time; a lock whose process is gone is stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly ownerPid: number,
  ) {
    super(`another backup is running (pid ${ownerPid}, lock ${path})`);
    this.name = 'LockHeldError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock or throw LockHeldError; returns the release function and whether a stale lock was broken. */
export function acquireLock(path: string): { release: () => void; brokeStale?: number } {
  let brokeStale: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }), brokeStale };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number(readFileSync(path, 'utf8').split(' ')[0]);
      } catch {
        continue;
      }
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) throw new LockHeldError(path, pid);
      brokeStale = pid;
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
