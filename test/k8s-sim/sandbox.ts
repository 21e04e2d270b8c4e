// Real pod sandboxes for the simulator: each pod is its own mount/pid/uts namespace with an
// overlay root over / (pod-init.sh), so a command exec'd "in the container" runs in the pod's
// own filesystem and process tree, and its exit code is the process's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A running pod sandbox: its PID 1 as seen from the machine, and its pid namespace. */
export interface Sandbox {
  dir: string;
  pid: number;
  pidNs: string;
}

/** Is this global pid still the init of the pid namespace we recorded (not a recycled pid)? */
export function sandboxAlive(s: Pick<Sandbox, 'pid' | 'pidNs'>): boolean {
  try {
    const stat = readFileSync(`/proc/${s.pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readlinkSync(`/proc/${s.pid}/ns/pid`) === s.pidNs;
  } catch {
    return false;
  }
}

/** Read a sandbox's recorded init (pid, pid namespace) from its directory. */
export function readSandbox(dir: string): Sandbox | undefined {
  try {
    const [pid, pidNs] = readFileSync(join(dir, 'init'), 'utf8').trim().split(' ');
    return { dir, pid: Number(pid), pidNs: pidNs! };
  } catch {
    return undefined;
  }
}

/** Start a sandbox in `dir` named `hostname` (one per container: its name lands in /etc/sim-container); resolves when its root is in place. */
export async function startSandbox(dir: string, hostname: string, options: { noTar?: boolean; container?: string } = {}): Promise<Sandbox> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'mnt'), { recursive: true });
  const child: ChildProcess = spawn('unshare', ['--mount', '--pid', '--uts', '--fork', '--kill-child', '--propagation', 'private', 'sh', join(HERE, 'pod-init.sh'), dir, hostname.slice(0, 63), options.noTar ? '1' : '0', options.container ?? ''], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  child.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const s = readSandbox(dir);
    if (s) {
      try {
        if (readFileSync(`/proc/${s.pid}/comm`, 'utf8').trim() === 'tini') return s;
      } catch {
        /* starting */
      }
    }
    if (child.exitCode !== null) throw new Error(`pod sandbox ${hostname} exited (${child.exitCode}): ${stderr.trim()}`);
    await sleep(10);
  }
  throw new Error(`pod sandbox ${hostname} did not start in 20 s: ${stderr.trim()}`);
}

/** Kill a sandbox (its PID 1, so the kernel ends the whole namespace) and wait until it is gone. */
export async function stopSandbox(s: Sandbox): Promise<void> {
  if (sandboxAlive(s)) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (let i = 0; i < 500 && sandboxAlive(s); i++) await sleep(10);
  if (sandboxAlive(s)) throw new Error(`pod sandbox pid ${s.pid} did not stop`);
  // the tmpfs and overlay died with the mount namespace; the directory only holds the init record
  if (existsSync(s.dir)) rmSync(s.dir, { recursive: true, force: true });
}

/** argv that runs `command` inside the sandbox (nsenter into all its namespaces and its root). */
export function execArgv(s: Sandbox, command: string[]): string[] {
  return ['nsenter', `--target=${s.pid}`, '--mount', '--uts', '--pid', '--root', '--wd', '--', ...command];
}

/** The environment a container process starts with (not the simulator's own). */
export function containerEnv(hostname: string): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', HOSTNAME: hostname, LANG: 'C.UTF-8' };
}
