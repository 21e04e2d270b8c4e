// The remote process-group wrapper run by the local /bin/sh (dash): it announces a group it
// leads, keeps stdin, rc and output; the kill script ends the group; the announcement is
// found across chunk boundaries and stripped; kills asked in one tick share one script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchedKiller, GroupWatch, inProcessGroup, killGroupsScript, stripGroupMark } from '../../../src/connections/process-group.js';

function sh(script: string, input: string, viaSetsid: boolean): { rc: number; stdout: string; stderr: string } {
  const argv = viaSetsid ? ['setsid', '-w', '/bin/sh', '-c', script] : ['/bin/sh', '-c', script];
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
  return { rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

for (const leader of [true, false]) {
  test(`wrapper ${leader ? 'in a shell that leads its group (sshd)' : 'in a shell that does not (pod exec): setsid'}: announces its own group, keeps stdin, output and rc`, () => {
    const r = sh(inProcessGroup(`read line; echo "got $line"; echo err >&2; ps -o pgid= -p $$ | tr -d ' '; exit 3`), 'hello\n', leader);
    assert.equal(r.rc, 3);
    const m = /^\[drover-pgid:(\d+)\]\n/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.equal(r.stdout, `got hello\n${m[1]}\n`, 'the command runs in the announced group');
    assert.equal(stripGroupMark(r.stderr), 'err\n');
  });
}

test('wrapper without setsid, in a shell that leads no group: the command still runs, nothing is announced', () => {
  const bin = mkdtempSync(join(tmpdir(), 'intr-nosetsid-'));
  try {
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const r = spawnSync('/bin/sh', ['-c', inProcessGroup('read line; echo "got $line"; exit 4')], { input: 'x\n', encoding: 'utf8', env: { PATH: bin } });
    assert.deepEqual([r.status, r.stdout, r.stderr], [4, 'got x\n', '']);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('the kill script ends a whole group, background children too', async () => {
  const child = spawn('/bin/sh', ['-c', inProcessGroup('sleep 30 & sleep 31')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  let err = '';
  const pgid = await new Promise<number>((resolve) =>
    child.stderr.on('data', (d) => {
      err += d;
      const m = /drover-pgid:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    }),
  );
  const members = (): string => spawnSync('/bin/sh', ['-c', `ps -o pid= -g ${pgid} | wc -l`], { encoding: 'utf8' }).stdout.trim();
  assert.equal(members(), '3', 'sh and both sleeps run in the announced group');
  assert.equal(spawnSync('/bin/sh', ['-c', killGroupsScript([pgid])]).status, 0);
  assert.equal(members(), '0', 'the group is gone');
  assert.equal(await exited, 143, 'the shell died of SIGTERM');
});

test('GroupWatch: the announcement split across chunks is found; a stop before it kills once it arrives', async () => {
  const killed: number[] = [];
  const w = new GroupWatch(async (pgid) => void killed.push(pgid));
  w.stop();
  w.scan(Buffer.from('[Sudo prompt][drover-p'));
  assert.deepEqual(killed, []);
  w.scan('gid:4242]\nrest');
  await w.settled();
  assert.equal(w.pgid, 4242);
  assert.deepEqual(killed, [4242]);
  w.stop();
  await w.settled();
  assert.deepEqual(killed, [4242], 'killed once');
});

test('GroupWatch: a command that never announces a group does not hold a stop for long', async () => {
  const w = new GroupWatch(async () => assert.fail('nothing to kill'));
  w.stop();
  const t0 = Date.now();
  await w.settled(100);
  assert.ok(Date.now() - t0 < 2000);
});

test('batchedKiller: kills asked in one tick run as one script per become', async () => {
  const calls: [number[], string | undefined][] = [];
  const kill = batchedKiller<string | undefined>(async (pgids, become) => void calls.push([pgids, become]));
  await Promise.all([kill(1, undefined), kill(2, undefined), kill(3, 'root')]);
  await kill(4, undefined);
  assert.deepEqual(calls, [[[1, 2], undefined], [[3], 'root'], [[4], undefined]]);
});
