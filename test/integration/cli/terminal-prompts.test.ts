// What the CLI asks on a real terminal (tmux, its own server and socket): --step's
// (N)o/(y)es/(c)ontinue before each task, and -K's password typed without echo and masked.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, drover } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-prompts-'));
const socket = `drover-prompts-${process.pid}`;
let windows = 0;

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

/** Run drover in a new tmux window on our own server; returns the window's name. */
function start(args: string[]): string {
  const name = `w${++windows}`;
  const cmd = `cd ${q(dir)} && NO_COLOR=1 ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}; printf '\\n[exit %s]\\n' $?; sleep 600`;
  if (windows === 1) tmux('new-session', '-d', '-s', 'main', '-n', name, '-x', '160', '-y', '50', cmd);
  else tmux('new-window', '-t', 'main', '-n', name, cmd);
  return name;
}

function screen(win: string): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', `main:${win}`);
}

async function waitFor(win: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(win);
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`screen never matched ${pattern}:\n${text}`);
    await sleep(100);
  }
}

/** Type a line as a person would: keys, then Enter. */
function type(win: string, text: string): void {
  tmux('send-keys', '-t', `main:${win}`, '-l', text);
  tmux('send-keys', '-t', `main:${win}`, 'Enter');
}

after(() => {
  // our own server only (its own socket)
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  rmSync(dir, { recursive: true, force: true });
});

test('--step asks before each task: n skips it, y runs it, c runs the rest without asking', async () => {
  const pb = join(dir, 'step.yml');
  const tasks = ['one', 'two', 'three', 'four', 'five'].map((n) => `    - name: make ${n}\n      copy: {content: "${n}\\n", dest: ${join(dir, n)}}\n`);
  writeFileSync(pb, `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n${tasks.join('')}`);
  const win = start(['play', pb, '--step']);
  await waitFor(win, /Perform task: TASK: make one \(N\)o\/\(y\)es\/\(c\)ontinue: $/m);
  type(win, 'y');
  await waitFor(win, /Perform task: TASK: make two/);
  type(win, 'n');
  await waitFor(win, /Perform task: TASK: make three/);
  type(win, '');
  await waitFor(win, /Perform task: TASK: make four/);
  type(win, 'c');
  const end = await waitFor(win, /\[exit \d+\]/);
  assert.match(end, /\[exit 0\]/);
  assert.doesNotMatch(end, /Perform task: TASK: make five/, 'c stops the questions');
  assert.deepEqual(
    ['one', 'two', 'three', 'four', 'five'].filter((n) => existsSync(join(dir, n))),
    ['one', 'four', 'five'],
  );
  assert.match(end, /localhost\s+: ok=3\s+changed=3/);
});

test('Ctrl-C at a --step prompt: the recap, exit 99, and nothing more runs', async () => {
  const pb = join(dir, 'step-int.yml');
  const tasks = ['i1', 'i2'].map((n) => `    - name: make ${n}\n      copy: {content: "${n}\\n", dest: ${join(dir, n)}}\n`);
  writeFileSync(pb, `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n${tasks.join('')}`);
  const win = start(['play', pb, '--step']);
  await waitFor(win, /Perform task: TASK: make i1/);
  type(win, 'y');
  await waitFor(win, /Perform task: TASK: make i2/);
  tmux('send-keys', '-t', `main:${win}`, 'C-c');
  const end = await waitFor(win, /\[exit \d+\]/);
  assert.match(end, /\[exit 99\]/);
  assert.match(end, /PLAY RECAP/);
  assert.equal(existsSync(join(dir, 'i1')), true);
  assert.equal(existsSync(join(dir, 'i2')), false);
});

test('--step without a terminal is exit 5 before anything runs', async () => {
  const pb = join(dir, 'step-pipe.yml');
  writeFileSync(pb, `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - copy: {content: x, dest: ${join(dir, 'piped')}}\n`);
  const res = await drover(['play', pb, '--step'], { input: 'y\n' });
  assert.equal(res.code, 5);
  assert.match(res.stderr, /--step .*needs a terminal/);
  assert.equal(existsSync(join(dir, 'piped')), false);
});

test('-K on a terminal: the password is not echoed, and is masked in the output', async () => {
  const win = start(['run', 'localhost', '-c', 'local', '-b', '-K', '-m', 'shell', '-a', 'echo typed s3cr3t-typed-pw']);
  await waitFor(win, /BECOME password: $/m);
  type(win, 's3cr3t-typed-pw');
  const end = await waitFor(win, /\[exit \d+\]/);
  assert.match(end, /\[exit 0\]/);
  assert.match(end, /typed \*{8}/);
  assert.doesNotMatch(end, /s3cr3t-typed-pw/);
});
