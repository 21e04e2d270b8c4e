// Runs one drover command in every output mode a user can see (plain, -v, --json, --json -v,
// the live view on a terminal through script(1)) and checks the text for planted secrets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, drover, type CliResult } from '../../helpers/cli.js';

export interface Mode {
  name: string;
  res: CliResult;
}

/** `drover ARGS` on a pseudo-terminal (the live view); stdout and stderr both land in stdout. `answers`: typed when the screen first matches. */
export function droverOnTerminal(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; answers?: { when: RegExp; send: string }[] } = {},
): Promise<CliResult> {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // wide enough that the live view never wraps a line in the middle of a value
  const command = `stty cols 400 rows 60; exec ${[process.execPath, BIN, ...args].map(q).join(' ')}`;
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env, TERM: 'xterm-256color' };
    delete env.NO_COLOR;
    delete env.DROVER_PLAIN;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const pending = [...(options.answers ?? [])];
    child.stdout.on('data', (d) => {
      stdout += d;
      while (pending.length && pending[0]!.when.test(stdout)) child.stdin.write(pending.shift()!.send);
      if (!pending.length) child.stdin.end();
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    if (!pending.length) child.stdin.end();
  });
}

/** The same command in plain, -v, --json, --json -v and on a terminal. */
export async function everyOutput(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Mode[]> {
  const modes: Mode[] = [];
  for (const [name, extra] of [
    ['plain', []],
    ['-v', ['-v']],
    ['--json', ['--json']],
    ['--json -v', ['--json', '-v']],
  ] as const) {
    modes.push({ name, res: await drover([...args, ...extra], { ...options, env: { DROVER_PLAIN: '1', ...options.env } }) });
  }
  modes.push({ name: 'terminal', res: await droverOnTerminal(args, options) });
  return modes;
}

/** Text with ANSI sequences and line breaks removed, so a value split by the terminal is still found. */
function flat(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '').replace(/\s+/g, '');
}

/** No secret appears on stdout or stderr of any mode (nor JSON-escaped, nor split by the terminal). */
export function assertNoSecrets(modes: Mode[], secrets: string[]): void {
  for (const { name, res } of modes) {
    const all = `${res.stdout}\n${res.stderr}`;
    for (const s of secrets) {
      assert.ok(!all.includes(s) && !flat(all).includes(flat(s)), `${name}: secret ${s} leaked:\n${all.slice(0, 6000)}`);
    }
  }
}
