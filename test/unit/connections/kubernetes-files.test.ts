// File transfer pieces of the kubernetes connection, run for real on this machine: the tar
// archive against the system tar, and the write/read sh scripts under /bin/sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podWriteCommand, readScript, tarOneFile, untarOneFile } from '../../../src/connections/kubernetes/pod-files.js';
import { tempBeside, writeAndReplaceScript } from '../../../src/connections/replace-file.js';
import { parseProbe, PROBE_SCRIPT } from '../../../src/connections/kubernetes/pod-probe.js';

const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));

function sh(script: string, stdin?: Buffer): { rc: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', script], { input: stdin ?? Buffer.alloc(0) });
  return { rc: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString() };
}

test('tarOneFile makes an archive the system tar extracts, with the mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-files-'));
  const archive = await tarOneFile('.blob.drover-abc', binary, 0o600);
  execFileSync('tar', ['-xmf', '-', '-C', dir], { input: archive });
  assert.deepEqual(readFileSync(join(dir, '.blob.drover-abc')), binary);
  assert.equal(statSync(join(dir, '.blob.drover-abc')).mode & 0o777, 0o600);
  const long = 'n'.repeat(180);
  execFileSync('tar', ['-xmf', '-', '-C', dir], { input: await tarOneFile(long, Buffer.from('x'), 0o644) });
  assert.equal(readFileSync(join(dir, long), 'utf8'), 'x');
});

test('untarOneFile reads what `tar chf -` sends; a directory is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-files-'));
  writeFileSync(join(dir, 'blob'), binary);
  assert.deepEqual(await untarOneFile(sh(readScript(join(dir, 'blob'), true)).stdout, 'blob'), binary);
  assert.deepEqual(sh(readScript(join(dir, 'blob'), false)).stdout, binary);
  mkdirSync(join(dir, 'sub'));
  const sub = sh(readScript(join(dir, 'sub'), true));
  assert.equal(sub.rc, 1);
  assert.match(sub.stderr, /sub: is a directory/);
  assert.equal(sub.stdout.length, 0, 'no tar of the tree');
  const dirArchive = execFileSync('tar', ['cf', '-', '-C', dir, 'sub']);
  await assert.rejects(untarOneFile(dirArchive, 'sub'), /sub: it is a directory/);
  assert.notEqual(sh(readScript(join(dir, 'missing'), true)).rc, 0);
});

for (const hasTar of [true, false]) {
  test(`podWriteCommand (${hasTar ? 'tar' : 'cat'}) in writeAndReplaceScript: writes the temp file, replaces dest, cleans up on failure`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s it's "));
    const dest = join(dir, 'out.bin');
    const tmp = tempBeside(dest, 'tag1');
    assert.equal(tmp, join(dir, '.out.bin.drover-tag1'));
    const payload = hasTar ? await tarOneFile('.out.bin.drover-tag1', binary, 0o600) : binary;
    const ok = sh(writeAndReplaceScript(dest, tmp, { mode: 0o640 }, podWriteCommand(tmp, hasTar)), payload);
    assert.equal(ok.rc, 0, ok.stderr);
    assert.deepEqual(readFileSync(dest), binary);
    assert.equal(statSync(dest).mode & 0o777, 0o640);
    const bad = sh(writeAndReplaceScript(dest, tmp, {}, `${podWriteCommand(tmp, hasTar)} && (exit 3)`), payload);
    assert.equal(bad.rc, 3);
    assert.deepEqual(readdirSync(dir), ['out.bin'], 'temp file removed');
    // a directory where the file should go: refused, not moved into
    mkdirSync(join(dir, 'd'));
    const intoDir = sh(writeAndReplaceScript(join(dir, 'd'), tmp, { mode: 0o644 }, podWriteCommand(tmp, hasTar)), payload);
    assert.equal(intoDir.rc, 1);
    assert.match(intoDir.stderr, /d: is a directory/);
    assert.deepEqual(readdirSync(join(dir, 'd')), []);
    assert.deepEqual(readdirSync(dir).sort(), ['d', 'out.bin']);
  });
}

test('the probe script runs under sh and parses', () => {
  const f = parseProbe(sh(PROBE_SCRIPT).stdout.toString());
  assert.equal(f.uid, String(process.getuid?.()));
  assert.equal(f.hasTar, true);
  assert.deepEqual(parseProbe('uid=\nuser=\ntar=no\n'), { uid: '', user: '', hasTar: false });
});
