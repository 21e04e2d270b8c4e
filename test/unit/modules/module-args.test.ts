// Arguments that used to be accepted and ignored, now honoured: blockinfile's blank lines
// around the block (Ansible 2.16's rules), systemd's scope and no_block on every systemctl
// call (a recording fake connection), and the argv Ansible's run_command builds for validate
// and command (run through a real sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Connection, ExecOptions, ExecResult } from '../../../src/connections/types.js';
import { normalizeArgs } from '../../../src/modules/args.js';
import { blockInFile } from '../../../src/modules/files/blockinfile.js';
import { findModule } from '../../../src/modules/index.js';
import { validateLine } from '../../../src/modules/remote/validate-content.js';

const B = { marker: '# {mark} M', marker_begin: 'BEGIN', marker_end: 'END', block: 'x', state: 'present' };

test('blockinfile prepend_newline/append_newline: a blank line between the block and its neighbours, none at the file\'s edges or twice', () => {
  const both = { ...B, prepend_newline: true, append_newline: true };
  assert.equal(blockInFile('a\nb\n', { ...both, insertafter: '^a' }).text, 'a\n\n# BEGIN M\nx\n# END M\n\nb\n');
  assert.equal(blockInFile('a\n\nb\n', { ...both, insertafter: '^a' }).text, 'a\n\n# BEGIN M\nx\n# END M\n\nb\n', 'a blank line already after the block is not doubled');
  assert.equal(blockInFile('a\n', { ...both, insertbefore: 'BOF' }).text, '# BEGIN M\nx\n# END M\n\na\n', 'none before at the start');
  assert.equal(blockInFile('a\n', both).text, 'a\n\n# BEGIN M\nx\n# END M\n', 'none after at the end');
  assert.equal(blockInFile('a\nb\n', { ...B, insertafter: '^a' }).text, 'a\n# BEGIN M\nx\n# END M\nb\n', 'off by default');
  assert.equal(blockInFile('a\n\n# BEGIN M\nx\n# END M\n\nb\n', both).changed, false, 'idempotent');
});

function recorder(): { conn: Connection; commands: string[] } {
  const commands: string[] = [];
  const conn = {
    host: 'h',
    transport: 'fake',
    async connect() {},
    async exec(command: string, _o?: ExecOptions): Promise<ExecResult> {
      commands.push(command);
      return { rc: 0, stdout: command.includes('is-active') ? 'inactive\n' : 'disabled\n', stderr: '' };
    },
    async put() {},
    async get() {
      return Buffer.alloc(0);
    },
    async close() {},
  } satisfies Connection;
  return { conn, commands };
}

test('systemd scope and no_block reach every systemctl call, as Ansible builds its command', async () => {
  const def = findModule('systemd')!;
  const { conn, commands } = recorder();
  const r = await def.run({ host: 'h', conn, args: normalizeArgs(def, { name: 'web', state: 'started', enabled: true, scope: 'user', no_block: true }), vars: {}, check: false, diff: false, environment: {}, findFile: (_k, p) => p, render: (t) => t, evaluate: () => undefined, signal: new AbortController().signal, verbosity: 0 });
  assert.equal(r.failed, undefined, JSON.stringify(r));
  assert.ok(commands.length >= 4);
  for (const c of commands) assert.match(c, /^export XDG_RUNTIME_DIR="\$\{XDG_RUNTIME_DIR:-\/run\/user\/\$\(id -u\)\}"; systemctl --user --no-block (is-active|start|is-enabled|enable) web$/, c);
  const plain = recorder();
  await def.run({ host: 'h', conn: plain.conn, args: normalizeArgs(def, { name: 'web', state: 'started' }), vars: {}, check: false, diff: false, environment: {}, findFile: (_k, p) => p, render: (t) => t, evaluate: () => undefined, signal: new AbortController().signal, verbosity: 0 });
  assert.deepEqual(plain.commands, ['systemctl is-active web', 'systemctl start web']);
  assert.throws(() => normalizeArgs(def, { name: 'web', scope: 'session' }), /scope must be one of: system, user, global/);
});

/** What a validate command line passes as argv, run by a real sh. */
function argv(validate: string, file: string, env: Record<string, string> = {}): string[] {
  const r = spawnSync('/bin/sh', ['-c', `${validateLine(validate, file).replace(/^\S+/, "printf '%s\\n'")}`], { encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: '/home/h', ...env } });
  return r.stdout.split('\n').slice(0, -1);
}

test('validate: words split as Ansible (no shell), %s the quoted temp path, %% a %, $VAR and ~ expanded, an unset $VAR kept', () => {
  assert.deepEqual(argv("visudo -cf %s", '/tmp/d x/f'), ['-cf', '/tmp/d x/f']);
  assert.deepEqual(argv("cmd 'a | b' --file=%s 100%% $X ${X} $UNSET ~/y '~'", "/t/it's", { X: 'ex' }), ['a | b', "--file=/t/it's", '100%', 'ex', 'ex', '$UNSET', '/home/h/y', '/home/h']);
  assert.deepEqual(argv("cmd $(touch /tmp/nope) `id` ; %s", '/f'), ['$(touch', '/tmp/nope)', '`id`', ';', '/f'], 'no shell syntax is interpreted');
});
