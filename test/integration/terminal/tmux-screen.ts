// A real terminal for tests: a tmux server of our own (its own socket, a fixed window size)
// runs the compiled CLI; tests read the screen as a person would and press keys. Only this
// server is ever killed (kill-server on our socket).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, ROOT } from '../../helpers/cli.js';

let sessions = 0;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ScreenOptions {
  /** drover's arguments. */
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  cols?: number;
  rows?: number;
}

/** One tmux server running `drover ARGS` in a fixed-size window. */
export class TmuxScreen {
  private constructor(
    readonly socket: string,
    private readonly exitFile: string,
  ) {}

  /** Start drover in a new tmux server; the pane stays after drover exits so its last screen can be read. */
  static start({ args, cwd = ROOT, env = {}, cols = 160, rows = 48 }: ScreenOptions): TmuxScreen {
    const socket = `drover-test-${process.pid}-${++sessions}`;
    const exitFile = join(mkdtempSync(join(tmpdir(), 'drover-tmux-')), 'exit');
    const vars = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const drover = ['env', ...vars, shellQuote(process.execPath), shellQuote(BIN), ...args.map(shellQuote)].join(' ');
    const script = `cd ${shellQuote(cwd)} && ${drover}; rc=$?; echo $rc > ${shellQuote(exitFile)}; printf '\\n[drover exited %s]\\n' $rc; exec sleep 3600`;
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(cols), '-y', String(rows), script]);
    return new TmuxScreen(socket, exitFile);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** The screen and its scrollback as text, wrapped lines joined. */
  text(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main');
  }

  /** Wait until the screen matches; fails with the screen it last saw. */
  async waitFor(pattern: RegExp | string | ((text: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let seen = '';
    while (Date.now() < end) {
      seen = this.text();
      const hit = typeof pattern === 'string' ? seen.includes(pattern) : typeof pattern === 'function' ? pattern(seen) : pattern.test(seen);
      if (hit) return seen;
      await sleep(100);
    }
    throw new Error(`screen never showed ${String(pattern)}; it shows:\n${seen}`);
  }

  /** Press keys: tmux key names (Enter, C-c) or literal text. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Type text literally (no key-name lookup). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Whether the terminal shows its cursor (listr2 hides it while it draws). */
  cursorVisible(): boolean {
    return this.tmux('display-message', '-p', '-t', 'main', '#{cursor_flag}').trim() === '1';
  }

  /** drover's exit code, once it has exited. */
  async exitCode(timeoutMs = 60_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (existsSync(this.exitFile)) {
        const text = readFileSync(this.exitFile, 'utf8').trim();
        if (text) return Number(text);
      }
      await sleep(100);
    }
    throw new Error(`drover did not exit within ${timeoutMs} ms; the screen shows:\n${this.text()}`);
  }

  /** End this tmux server (and drover with it, if still running). */
  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
  }
}
