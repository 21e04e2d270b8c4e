// The real drover CLI as a child process that a test can signal mid-run, and a /proc scan
// for processes carrying a marker in their environment (what a command left behind).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, ROOT, type CliResult } from '../../helpers/cli.js';

export interface RunningCli {
  child: ChildProcess;
  /** Resolves with the exit code and output once the CLI has exited. */
  done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
}

/** Start `drover ARGS` without waiting for it. */
export function startDrover(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/** A shell snippet that prints the pids of processes whose environment has MARK=value. */
export function markedPidsScript(mark: string): string {
  return `for f in /proc/[0-9]*/environ; do grep -qzx 'INTR_MARK=${mark}' "$f" 2>/dev/null && { p=\${f#/proc/}; echo \${p%/environ}; }; done; true`;
}

/** Local processes whose environment has INTR_MARK=mark. */
export function localMarked(mark: string): number[] {
  const needle = Buffer.from(`\0INTR_MARK=${mark}\0`);
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const env = Buffer.concat([Buffer.from('\0'), readFileSync(`/proc/${p}/environ`), Buffer.from('\0')]);
      if (env.includes(needle)) out.push(Number(p));
    } catch {
      /* gone meanwhile, or not readable */
    }
  }
  return out;
}

/** Poll `probe` until it returns at least `n` processes (the commands under test have started). */
export async function waitForPids<T>(probe: () => T[], n: number, what: string, detail?: () => string, timeoutMs = 30_000): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const pids = probe();
    if (pids.length >= n) return pids;
    if (Date.now() > end) throw new Error(`${what}: expected ${n} marked processes, saw ${pids.length}${detail ? `\n${detail()}` : ''}`);
    await sleep(100);
  }
}

/** Poll `probe` until it is empty; returns what is left after `timeoutMs` (empty when all are gone). */
export async function waitGone<T>(probe: () => T[], timeoutMs = 5000): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const pids = probe();
    if (!pids.length || Date.now() > end) return pids;
    await sleep(100);
  }
}

/** Parse pids printed one per line. */
export function pidLines(text: string): number[] {
  return text.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number);
}
