// Modules run against the real local connection in a temp dir: idempotency, check mode,
// diffs, backups and Ansible's error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../src/connections/local.js';
import { findModule } from '../../../src/modules/index.js';
import { normalizeArgs } from '../../../src/modules/args.js';
import type { ModuleResult } from '../../../src/modules/types.js';
import { createTemplar } from '../../../src/templating/templar.js';
import { lineInFile } from '../../../src/modules/files/lineinfile.js';
import { blockInFile } from '../../../src/modules/files/blockinfile.js';
import { replaceIn } from '../../../src/modules/files/replace.js';

const conn = new LocalConnection('localhost');
const templar = createTemplar();

async function run(name: string, args: Record<string, unknown>, opts: { check?: boolean; diff?: boolean } = {}): Promise<ModuleResult> {
  const def = findModule(name)!;
  const vars = { inventory_hostname: 'localhost' };
  return def.run({
    host: 'localhost',
    conn,
    args: normalizeArgs(def, args),
    vars,
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    environment: {},
    findFile: (_k, p) => p,
    render: (text) => templar.renderString(text, vars),
    evaluate: (e) => templar.evaluate(e, vars),
    signal: new AbortController().signal,
    verbosity: 0,
  });
}

test('copy: creates, is idempotent, check mode touches nothing, diff and backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-mod-'));
  const dest = join(dir, 'f');
  const check = await run('copy', { content: 'one\n', dest }, { check: true });
  assert.equal(check.changed, true);
  assert.equal(existsSync(dest), false);
  assert.equal((await run('copy', { content: 'one\n', dest, mode: '0600' })).changed, true);
  assert.equal(statSync(dest).mode & 0o777, 0o600);
  assert.equal((await run('copy', { content: 'one\n', dest, mode: '0600' })).changed, false);
  const second = await run('copy', { content: 'two\n', dest, backup: true }, { diff: true });
  assert.equal(second.changed, true);
  assert.deepEqual([second.diff![0]!.before, second.diff![0]!.after], ['one\n', 'two\n']);
  assert.equal(readFileSync(String(second.backup_file), 'utf8'), 'one\n');
  assert.equal(readdirSync(dir).filter((f) => f.includes('drover')).length, 0, 'no temp files left behind');
});

test('file: directory, touch, link, absent; Ansible errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-mod-'));
  assert.equal((await run('file', { path: join(dir, 'd'), state: 'directory', mode: '0750' })).changed, true);
  assert.equal((await run('file', { path: join(dir, 'd'), state: 'directory', mode: '0750' })).changed, false);
  const missing = await run('file', { path: join(dir, 'nope'), state: 'file' });
  assert.equal(missing.failed, true);
  assert.match(String(missing.msg), /is absent, cannot continue/);
  writeFileSync(join(dir, 'target'), 'x');
  assert.equal((await run('file', { src: join(dir, 'target'), path: join(dir, 'ln'), state: 'link' })).changed, true);
  assert.equal((await run('file', { src: join(dir, 'target'), path: join(dir, 'ln'), state: 'link' })).changed, false);
  assert.equal((await run('file', { path: join(dir, 'd'), state: 'absent' })).changed, true);
  assert.equal(existsSync(join(dir, 'd')), false);
});

test('command family: rc is data, creates/removes, check mode says what would run', async () => {
  const r = await run('shell', { _raw_params: 'echo out; echo err >&2; exit 3' });
  assert.equal(r.rc, 3);
  assert.equal(r.failed, true);
  assert.equal(r.stdout, 'out');
  assert.equal(r.stderr, 'err');
  const argv = await run('command', { _raw_params: 'printf "%s|" "a b" c' });
  assert.equal(argv.stdout, 'a b|c|');
  const skip = await run('command', { _raw_params: 'touch /should/not/run', creates: '/' });
  assert.equal(skip.changed, false);
  const check = await run('command', { _raw_params: 'rm -rf /tmp/whatever' }, { check: true });
  assert.equal(check.skipped, true);
  assert.deepEqual(check.cmd, ['rm', '-rf', '/tmp/whatever']);
});

test('lineinfile, blockinfile and replace edit text like Ansible', () => {
  assert.deepEqual(lineInFile('a=1\nb=2\n', { line: 'a=9', regexp: '^a=' }), { text: 'a=9\nb=2\n', changed: true, msg: 'line replaced' });
  assert.equal(lineInFile('a=9\nb=2\n', { line: 'a=9', regexp: '^a=' }).changed, false);
  assert.equal(lineInFile('x\ny\n', { line: 'new', insertafter: '^x' }).text, 'x\nnew\ny\n');
  assert.equal(lineInFile('x\ny\n', { line: 'new', insertbefore: 'BOF' }).text, 'new\nx\ny\n');
  assert.equal(lineInFile('x\ny', { line: 'z' }).text, 'x\ny\nz\n');
  assert.equal(lineInFile('p=10\n', { line: 'p=\\1\\1', regexp: '^p=(\\d+)$', backrefs: true }).text, 'p=1010\n');
  assert.deepEqual(lineInFile('a\nb\na\n', { line: 'a', state: 'absent' }), { text: 'b\n', changed: true, msg: '2 line(s) removed' });
  const block = blockInFile('keep\n', { block: 'one\ntwo' });
  assert.equal(block.text, 'keep\n# BEGIN ANSIBLE MANAGED BLOCK\none\ntwo\n# END ANSIBLE MANAGED BLOCK\n');
  assert.equal(blockInFile(block.text, { block: 'one\ntwo' }).changed, false);
  assert.equal(blockInFile(block.text, { block: 'three' }).text, 'keep\n# BEGIN ANSIBLE MANAGED BLOCK\nthree\n# END ANSIBLE MANAGED BLOCK\n');
  assert.equal(blockInFile(block.text, { state: 'absent' }).text, 'keep\n');
  assert.deepEqual(replaceIn('Welcome bob\nWelcome amy\n', { regexp: 'Welcome (\\w+)', replace: 'Hi \\1' }), { text: 'Hi bob\nHi amy\n', changed: true, msg: '2 replacements made' });
});

test('assert and debug', async () => {
  const ok = await run('assert', { that: ['1 == 1', 'true'] });
  assert.equal(ok.failed, undefined);
  assert.equal(ok.msg, 'All assertions passed');
  const bad = await run('assert', { that: ['1 == 2'], fail_msg: 'nope' });
  assert.deepEqual([bad.failed, bad.assertion, bad.msg], [true, '1 == 2', 'nope']);
  assert.deepEqual(await run('debug', { var: 'inventory_hostname' }), { changed: false, inventory_hostname: 'localhost' });
});
