// One backup at a time per backup directory, held with a kernel lock (flock(1) on the lock file,
// kept by a small child process whose stdin is our pipe): the kernel drops it when we exit, even
// on kill -9, so no PID (recycled or not) can block a later run and there is no takeover race.
// The file also records the holder's pid and process start time, for the message only.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync, ftruncateSync, fsyncSync } from 'node:fs';

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly ownerPid: number,
  ) {
    super(`another backup is running (pid ${Number.isInteger(ownerPid) && ownerPid > 0 ? ownerPid : 'unknown'}, lock ${path})`);
    this.name = 'LockHeldError';
  }
}

/** This process's start time in clock ticks since boot (field 22 of /proc/self/stat). */
function processStartTicks(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '?';
  } catch {
    return '?';
  }
}

/** Take the lock or throw LockHeldError; returns the release function. */
export async function acquireLock(path: string): Promise<{ release: () => Promise<void> }> {
  // create it if missing without truncating a holder's record
  closeSync(openSync(path, 'a', 0o644));
  const child: ChildProcess = spawn('flock', ['--nonblock', '--no-fork', '--conflict-exit-code', '75', path, '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const got = await new Promise<'locked' | 'held' | Error>((resolve) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('locked')) resolve('locked');
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', (e) => resolve(new Error(`could not run flock for ${path}: ${e.message}`)));
    child.on('exit', (code) => resolve(code === 75 ? 'held' : new Error(`could not take the lock ${path}: flock exited ${code}: ${err.trim()}`)));
  });
  if (got === 'held') {
    const pid = Number(readFileSync(path, 'utf8').split(' ')[0]);
    throw new LockHeldError(path, pid);
  }
  if (got instanceof Error) {
    child.kill();
    throw got;
  }
  // the lock is ours: record who holds it (pid, start ticks, time) for whoever is refused
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid} ${processStartTicks(process.pid)} ${new Date().toISOString()}\n`, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return {
    release: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
