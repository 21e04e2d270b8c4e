// A container is a real process of its own: started through `setsid --fork`, so it is in its
// own session and is not the daemon's child (it outlives dockerd and whoever asked for it).
// dockerd knows it by pid plus the pid's start time, so it never signals a recycled pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Start time of a pid in clock ticks since boot, or undefined if it is gone or a zombie. */
export function pidStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
    return rest[19]; // field 22 overall; rest starts at field 3
  } catch {
    return undefined;
  }
}

/** Is the container process (pid with this start time) still running? */
export function processAlive(pid: number, start: string): boolean {
  return pid > 0 && pidStartTime(pid) === start;
}

/** Start argv detached in its own session, output appended to logFile; resolves with pid and start time. */
export async function startDetached(argv: string[], env: string[], dir: string, logFile: string): Promise<{ pid: number; start: string }> {
  const pidFile = join(dir, 'pid');
  rmSync(pidFile, { force: true });
  const log = openSync(logFile, 'a');
  const envObj: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) envObj[e.slice(0, i)] = e.slice(i + 1);
  }
  // the shell records its own pid, then becomes the container's command (same pid, same start time)
  const script = 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec "$@"';
  const child = spawn('setsid', ['--fork', 'sh', '-c', script, pidFile, ...argv], { stdio: ['ignore', log, log], cwd: '/', env: envObj, detached: true });
  closeSync(log);
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  for (let i = 0; i < 500; i++) {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const start = pidStartTime(pid);
      if (start) return { pid, start };
      throw new Error(`container process ${pid} exited at once (see ${logFile})`);
    }
    await sleep(10);
  }
  throw new Error(`container process did not start in 5 s (see ${logFile})`);
}

/** SIGTERM, then SIGKILL after graceSeconds; resolves with the exit code Docker would report. */
export async function stopProcess(pid: number, start: string, graceSeconds: number): Promise<number> {
  if (!processAlive(pid, start)) return 0;
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + graceSeconds * 1000;
  while (Date.now() < end) {
    if (!processAlive(pid, start)) return 143;
    await sleep(20);
  }
  if (processAlive(pid, start)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 250 && processAlive(pid, start); i++) await sleep(20);
  return 137;
}
