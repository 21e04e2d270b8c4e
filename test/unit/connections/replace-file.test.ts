// The one script every transport's put runs on the target (or mirrors over SFTP and node:fs),
// run for real under /bin/sh as root: attributes kept or asked for, all set before the rename,
// temp files private, links replaced (never followed), failures leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putAttrs, tempBeside, writeAndReplaceScript } from '../../../src/connections/replace-file.js';
import { writeAtomic } from '../../../src/connections/local.js';

const NOBODY = 65534;

function sh(script: string, stdin: string): { rc: number; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', script], { input: stdin, encoding: 'utf8' });
  return { rc: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'replace-file-'));
}

/** Runs the script and, from inside the write step, records the temp file's mode while it holds the data. */
function put(dest: string, data: string, attrs: Parameters<typeof putAttrs>[0] = {}): { rc: number; stderr: string; tempMode: string } {
  const r = sh(writeAndReplaceScript(dest, tempBeside(dest), putAttrs(attrs), 'cat > "$t" && stat -c %a "$t"'), data);
  return { rc: r.rc, stderr: r.stderr, tempMode: r.stdout.trim() };
}

test('a replaced file keeps owner, group and mode (set-id bits too); the temp file is 0600 while it holds the data', { skip: process.getuid?.() !== 0 && 'needs root' }, () => {
  const d = dir();
  const f = join(d, 'conf');
  writeFileSync(f, 'old\n');
  chownSync(f, NOBODY, NOBODY);
  chmodSync(f, 0o2640);
  const r = put(f, 'new\n');
  assert.equal(r.rc, 0, r.stderr);
  assert.equal(r.tempMode, '600');
  const st = statSync(f);
  assert.equal(readFileSync(f, 'utf8'), 'new\n');
  assert.deepEqual([st.uid, st.gid, (st.mode & 0o7777).toString(8)], [NOBODY, NOBODY, '2640']);
  assert.deepEqual(readdirSync(d), ['conf'], 'no temp file left');
});

test('asked owner, group and mode win; a new file gets 0666 minus the umask', { skip: process.getuid?.() !== 0 && 'needs root' }, () => {
  const d = dir();
  const f = join(d, 'asked');
  writeFileSync(f, 'old\n', { mode: 0o644 });
  assert.equal(put(f, 'x', { owner: 'nobody', group: String(NOBODY), mode: '0600' }).rc, 0);
  const st = statSync(f);
  assert.deepEqual([st.uid, st.gid, (st.mode & 0o7777).toString(8)], [NOBODY, NOBODY, '600']);
  const n = join(d, 'new');
  assert.equal(sh(`umask 027; ${writeAndReplaceScript(n, tempBeside(n), {})}`, 'x').rc, 0);
  assert.equal((statSync(n).mode & 0o777).toString(8), '640');
});

test('a symbolic mode is worked out before the data arrives: the file never has more than the result', () => {
  const d = dir();
  const n = join(d, 'new');
  const r = sh(`umask 022; ${writeAndReplaceScript(n, tempBeside(n), putAttrs({ mode: 'u=rw,go=' }), 'cat > "$t" && stat -c %a "$t"')}`, 'x');
  assert.equal(r.rc, 0, r.stderr);
  assert.equal(r.stdout.trim(), '600', 'temp file while it holds the data');
  assert.equal((statSync(n).mode & 0o777).toString(8), '600');
  // relative to the kept mode, and `+x` without who honours the umask, as chmod does
  chmodSync(n, 0o640);
  assert.equal(sh(`umask 027; ${writeAndReplaceScript(n, tempBeside(n), putAttrs({ mode: '+x,g-r' }))}`, 'y').rc, 0);
  assert.equal((statSync(n).mode & 0o777).toString(8), '710');
  assert.deepEqual(readdirSync(d), ['new']);
});

test('a symlink at the path is replaced by a regular file with default attributes; its target is untouched', () => {
  const d = dir();
  writeFileSync(join(d, 'target'), 'secret\n', { mode: 0o600 });
  symlinkSync('target', join(d, 'link'));
  assert.equal(put(join(d, 'link'), 'new\n').rc, 0);
  assert.ok(lstatSync(join(d, 'link')).isFile());
  assert.equal((lstatSync(join(d, 'link')).mode & 0o777).toString(8), '644');
  assert.equal(readFileSync(join(d, 'target'), 'utf8'), 'secret\n');
});

test('a failed step (unknown owner) leaves the old file and no temp file', () => {
  const d = dir();
  const f = join(d, 'keep');
  writeFileSync(f, 'old\n');
  const r = put(f, 'new\n', { owner: 'no-such-user-here' });
  assert.notEqual(r.rc, 0);
  assert.equal(readFileSync(f, 'utf8'), 'old\n');
  assert.deepEqual(readdirSync(d), ['keep']);
});

test('bad attribute values are refused before any shell sees them', () => {
  assert.throws(() => putAttrs({ mode: '0644; rm -rf /' }), /invalid file mode/);
  assert.throws(() => putAttrs({ mode: 'u=rw;reboot' }), /invalid file mode/);
  assert.deepEqual(putAttrs({ mode: 'u+x,go-w' }), { symbolicMode: 'u+x,go-w' });
  assert.throws(() => putAttrs({ owner: 'root; reboot' }), /invalid owner/);
  assert.deepEqual(putAttrs({ mode: 420, owner: 0, group: 'adm' }), { mode: 0o644, owner: '0', group: 'adm' });
});

test('writeAtomic (local put) keeps owner, group and mode; new files get 0666 minus the umask', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const d = dir();
  const f = join(d, 'conf');
  writeFileSync(f, 'old\n');
  chownSync(f, NOBODY, NOBODY);
  chmodSync(f, 0o600);
  await writeAtomic(f, Buffer.from('new\n'));
  const st = statSync(f);
  assert.deepEqual([st.uid, st.gid, (st.mode & 0o7777).toString(8), readFileSync(f, 'utf8')], [NOBODY, NOBODY, '600', 'new\n']);
  await writeAtomic(join(d, 'fresh'), Buffer.from('x'));
  const umask = process.umask(0o022);
  process.umask(umask);
  assert.equal(statSync(join(d, 'fresh')).mode & 0o777, 0o666 & ~umask);
  assert.deepEqual(readdirSync(d).sort(), ['conf', 'fresh']);
});
