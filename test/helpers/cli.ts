// Runs the real drover CLI (compiled, bin/run.js) as a child process for tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'run.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `drover ARGS` and collect its output; never throws on a non-zero exit. */
export function drover(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The final summary event of a --json run. */
export function jsonSummary(stdout: string): { stats: Record<string, Record<string, number>>; exitCode: number } {
  const lines = stdout.trim().split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const e = JSON.parse(lines[i]!);
      if (e.type === 'playbook_end') return e;
    } catch {
      /* not JSON: keep looking */
    }
  }
  throw new Error(`no playbook_end event in output:\n${stdout.slice(-2000)}`);
}

/** All events of a --json run. */
export function jsonEvents(stdout: string): Record<string, any>[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
