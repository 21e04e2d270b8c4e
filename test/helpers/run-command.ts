// One command run to its end without blocking the event loop (the simulator's kubectl, the
// apiserver harness's etcdctl and binaries): stdout and stderr collected, killed at a deadline.
import { spawn } from 'node:child_process';

/** Output of one finished command. */
export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** Run cmd; `input` is written to its stdin (without it stdin is /dev/null); SIGKILL after timeoutMs; `onStderr` sees stderr as it comes. */
export function runCommand(cmd: string, args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs: number; onStderr?: (text: string) => void }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => {
      stderr += d;
      options.onStderr?.(String(d));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ rc: code ?? 1, stdout, stderr });
    });
    child.stdin?.end(options.input);
  });
}
