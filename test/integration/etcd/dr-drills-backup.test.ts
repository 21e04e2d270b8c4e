// Issue 17 drills, backup side, on a real 3-member TLS etcd cluster on the fleet: retention by
// exact cluster name, a log line and notifications for failures outside the main path, a lock
// no recycled PID can block, kill -9 leftovers removed by the next run, non-root logins with
// become, -l and -e, the sidecar's user-key count and the default name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, drover, ROOT } from '../../helpers/cli.js';
import { checkSnapshot } from '../../../src/etcd/snapshot-integrity.js';
import { backupTag } from '../../../src/etcd/remote-temp.js';
import { startDrillCluster, type DrillCluster } from './drill-cluster.js';

let c: DrillCluster;
let hook: Server;
let hookUrl: string;
const received: { status: string; error?: string }[] = [];
const MEMBERS = ['host1', 'host2', 'host3'];

before(async () => {
  c = await startDrillCluster({ name: 'drill-b', subnet: Number(process.env.DROVER_DRILL_SUBNET ?? 46), hosts: 3, token: 'drill-b' });
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
});

after(async () => {
  hook?.close();
  await c?.fleet.stop();
  // snapshots and keys of the drill cluster
  if (c) rmSync(c.dir, { recursive: true, force: true });
});

const backup = (dir: string, extra: string[] = [], inv = c.inv): ReturnType<typeof drover> => drover(['etcd', 'backup', '-i', inv, '--dir', dir, '--json', ...extra], { timeoutMs: 90_000 });

test('retention deletes only the exact cluster\'s snapshots: prod --keep 1 leaves prod-b alone in a shared dir', async () => {
  const dir = join(c.dir, 'shared');
  for (const cluster of ['prod-b', 'prod', 'prod']) {
    const r = await backup(dir, ['--cluster', cluster, '--keep', '5']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await new Promise((res) => setTimeout(res, 1100));
  }
  const r = await backup(dir, ['--cluster', 'prod', '--keep', '1']);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout.trim()).deleted.length, 2, 'the two older prod snapshots');
  const dbs = readdirSync(dir).filter((f) => f.endsWith('.db'));
  assert.equal(dbs.filter((f) => f.startsWith('prod-b-')).length, 1, 'prod-b keeps its snapshot');
  assert.equal(dbs.filter((f) => /^prod-\d/.test(f)).length, 1);
});

test('failures outside the main path (bad flags, read-only --dir, a held lock) still log their JSON line and notify', async () => {
  received.length = 0;
  const bad = await backup(join(c.dir, 'x'), ['--keep', 'many', '--webhook', hookUrl]);
  assert.equal(bad.code, 5);
  const l1 = JSON.parse(bad.stdout.trim());
  assert.equal(l1.event, 'etcd-backup');
  assert.equal(l1.status, 'invalid');
  assert.match(l1.error, /invalid flags/);

  // a read-only --dir: a bind mount remounted read-only in a mount namespace of its own
  const ro = join(c.dir, 'readonly');
  mkdirSync(ro);
  const roRun = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount --bind ${ro} ${ro} && mount -o remount,ro,bind ${ro} && exec "$0" "$@"`, process.execPath, BIN, 'etcd', 'backup', '-i', c.inv, '--dir', ro, '--json', '--webhook', hookUrl], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  assert.equal(roRun.status, 2, roRun.stdout + roRun.stderr);
  const l2 = JSON.parse(roRun.stdout.trim());
  assert.equal(l2.status, 'failed');
  assert.match(l2.error, /read-only|EROFS/);

  // a lock held by a running backup (a process holding the kernel lock on the file)
  const lockedDir = join(c.dir, 'locked');
  mkdirSync(lockedDir);
  const lockFile = join(lockedDir, '.drover-etcd-backup.lock');
  const holder = spawn('flock', ['--no-fork', lockFile, 'sleep', '60'], { stdio: 'ignore' });
  const holderExit = new Promise((r) => holder.on('exit', r));
  try {
    for (let i = 0; i < 50 && spawnSync('flock', ['-n', lockFile, 'true']).status === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const locked = await backup(lockedDir, ['--webhook', hookUrl]);
    assert.equal(locked.code, 3, locked.stdout + locked.stderr);
    assert.equal(JSON.parse(locked.stdout.trim()).status, 'locked');
  } finally {
    holder.kill();
    await holderExit;
  }
  assert.deepEqual(received.map((r) => r.status), ['invalid', 'failed', 'locked'], 'the webhook heard about every failure');
});

test('a lock file naming a live but unrelated (recycled) PID does not block a backup', async () => {
  const dir = join(c.dir, 'recycled');
  mkdirSync(dir);
  // the PID of a live process that is not a backup, as after a reboot or PID wrap-around
  writeFileSync(join(dir, '.drover-etcd-backup.lock'), `${process.pid} 2026-01-01T00:00:00.000Z\n`);
  const r = await backup(dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // and runs started together never overlap: each one either stores a verified snapshot or is refused
  const runs = await Promise.all([1, 2, 3].map(() => backup(dir, ['--keep', '10'])));
  assert.ok(runs.every((x) => x.code === 0 || x.code === 3), runs.map((x) => x.code).join(','));
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.db'))) assert.equal(checkSnapshot(readFileSync(join(dir, f))).ok, true);
});

test('kill -9 leftovers: snapshot copies on the members are 0600 and, with orphaned sidecars, removed by the next run', async () => {
  const dir = join(c.dir, 'killed');
  mkdirSync(dir);
  // enough data that a snapshot takes a moment to save and copy
  c.fleet.exec('host1', '. /root/etcdctl.env && head -c 2000 /dev/zero | tr "\\0" x > /tmp/v && for i in $(seq 1 1500); do etcdctl put /bulk/k$i "$(cat /tmp/v)" >/dev/null; done');
  const tag = backupTag(dir);
  const seen = new Set<string>();
  for (const delay of [400, 700, 1000, 1300, 1600]) {
    // each run removes the previous one's leftovers: what the last kill leaves is what the next run must remove
    seen.clear();
    const child = spawn(process.execPath, [BIN, 'etcd', 'backup', '-i', c.inv, '--dir', dir, '--cluster', 'k', '--keep', '50'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await exited;
    for (const h of MEMBERS) {
      for (const line of c.fleet.exec(h, `stat -c '%a %n' /var/tmp/drover-snapshot-${tag}-* 2>/dev/null`).stdout.split('\n').filter(Boolean)) {
        assert.match(line, /^600 /, `${h}: ${line}`);
        // a .pid names the killed run's etcdctl (stopped by the next run); the others are snapshot data
        if (!line.endsWith('.pid')) seen.add(`${h}:${line.split(' ')[1]}`);
      }
    }
  }
  // a leftover as a kill during the copy leaves it, whatever the timing above hit
  c.fleet.exec('host2', `umask 077; head -c 4096 /dev/urandom > /var/tmp/drover-snapshot-${tag}-0123456789ab.db`);
  seen.add(`host2:/var/tmp/drover-snapshot-${tag}-0123456789ab.db`);
  // a run killed between writing the sidecars and the .db
  writeFileSync(join(dir, 'k-20260101T000000Z-rev5.json'), '{}\n');
  writeFileSync(join(dir, 'k-20260101T000000Z-rev5.db.sha256'), 'x\n');
  const next = await backup(dir, ['--cluster', 'k', '--keep', '50']);
  assert.equal(next.code, 0, next.stdout + next.stderr);
  const line = JSON.parse(next.stdout.trim());
  assert.deepEqual(line.removedOrphans.sort(), ['k-20260101T000000Z-rev5.db.sha256', 'k-20260101T000000Z-rev5.json']);
  for (const s of seen) assert.ok(line.removedRemote.includes(s), `${s} reported removed`);
  for (const h of MEMBERS) assert.equal(c.fleet.exec(h, 'ls /var/tmp | grep -c drover-snapshot').stdout.trim(), '0', `${h} holds no snapshot copy`);
  assert.equal(existsSync(join(dir, 'k-20260101T000000Z-rev5.json')), false);
});

test('non-root logins: become honoured, no become refused clearly; -l and -e honoured, -l refused by restore', async () => {
  const sudoInv = c.writeInventory(join(c.dir, 'sudo.yml'), { etcd: MEMBERS }, 'ansible_become: true');
  writeFileSync(sudoInv, readFileSync(sudoInv, 'utf8').replace('ansible_user: root', 'ansible_user: deploy'));
  const st = await drover(['etcd', 'status', '-i', sudoInv, '--json'], { timeoutMs: 60_000 });
  assert.equal(st.code, 0, st.stdout + st.stderr);
  const b = await backup(join(c.dir, 'as-deploy'), [], sudoInv);
  assert.equal(b.code, 0, b.stdout + b.stderr);
  assert.equal(checkSnapshot(readFileSync(JSON.parse(b.stdout.trim()).file)).ok, true);

  const plainInv = join(c.dir, 'plain.yml');
  writeFileSync(plainInv, readFileSync(sudoInv, 'utf8').replace(', ansible_become: true', ''));
  const refused = await drover(['etcd', 'status', '-i', plainInv], { timeoutMs: 60_000 });
  assert.equal(refused.code, 5, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /logs in as 'deploy' without ansible_become/);

  const limited = await drover(['etcd', 'status', '-i', c.inv, '-l', 'host2', '--json'], { timeoutMs: 60_000 });
  assert.deepEqual(JSON.parse(limited.stdout).map((r: { host: string }) => r.host), ['host2']);
  const wrongCert = await drover(['etcd', 'status', '-i', c.inv, '-e', 'etcd_cert=/nonexistent.crt', '--json'], { timeoutMs: 60_000 });
  assert.equal(wrongCert.code, 2, '-e reaches the members: a client certificate that does not exist fails');
  assert.ok(JSON.parse(wrongCert.stdout).every((r: { healthy: boolean }) => !r.healthy));
  const restoreLimited = await drover(['etcd', 'restore', '/nonexistent.db', '-i', c.inv, '-l', 'host1', '--token', 'x'], { timeoutMs: 60_000 });
  assert.equal(restoreLimited.code, 5);
  assert.match(restoreLimited.stderr, /-l\/--limit is refused/);
});

test('the sidecar counts the user keys under --key-prefix; the default name is the cluster token from the member config', async () => {
  c.fleet.exec('host1', '. /root/etcdctl.env && for i in $(seq 1 37); do etcdctl put /counted/k$i v >/dev/null; done');
  const r = await backup(join(c.dir, 'named'), ['--key-prefix', '/counted/']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const line = JSON.parse(r.stdout.trim());
  assert.equal(line.meta.keys, 37);
  assert.equal(line.meta.keyPrefix, '/counted/');
  assert.equal(line.cluster, 'drill-b');
  assert.match(line.file, /\/drill-b-\d{8}T\d{6}Z-rev\d+\.db$/);
  assert.equal(JSON.parse(readFileSync(line.file.replace(/\.db$/, '.json'), 'utf8')).keys, 37);
});

test('verify-restore proves a backup restorable in a throwaway member, and fails one that is not what its sidecar says', async () => {
  const dir = join(c.dir, 'verify');
  const b = await backup(dir, ['--key-prefix', '/counted/']);
  assert.equal(b.code, 0, b.stdout + b.stderr);
  const { file, meta } = JSON.parse(b.stdout.trim());
  const leftovers = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('drover-verify-restore-'));
  const before = leftovers();
  const ok = await drover(['etcd', 'verify-restore', file, '--listen', '127.46.0.200', '--json'], { timeoutMs: 90_000 });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const rep = JSON.parse(ok.stdout.trim());
  assert.equal(rep.keys, 37);
  assert.equal(rep.keyPrefix, '/counted/');
  assert.ok(rep.revision >= meta.revision);

  // the same snapshot with a sidecar promising one key more than it holds
  const liar = join(dir, 'liar-20260101T000000Z-rev1.db');
  copyFileSync(file, liar);
  copyFileSync(`${file}.sha256`, `${liar}.sha256`);
  writeFileSync(liar.replace(/\.db$/, '.json'), JSON.stringify({ ...meta, keys: 38 }));
  const lie = await drover(['etcd', 'verify-restore', liar, '--listen', '127.46.0.200'], { timeoutMs: 90_000 });
  assert.equal(lie.code, 2, lie.stdout + lie.stderr);
  assert.match(lie.stdout, /37 keys under \/counted\/, the sidecar says 38/);

  const corrupt = join(dir, 'corrupt.db');
  const bytes = readFileSync(file);
  bytes[100] ^= 0xff;
  writeFileSync(corrupt, bytes);
  const bad = await drover(['etcd', 'verify-restore', corrupt, '--listen', '127.46.0.200'], { timeoutMs: 60_000 });
  assert.equal(bad.code, 5);
  assert.deepEqual(leftovers(), before, 'the throwaway member\'s data is gone');
});

test('replace-member: a member whose data is lost rejoins the running cluster with a new ID and the data written meanwhile', async () => {
  const before = JSON.parse((await drover(['etcd', 'status', '-i', c.inv, '--json'], { timeoutMs: 60_000 })).stdout);
  const oldId = before.find((r: { host: string }) => r.host === 'host3').id;
  c.fleet.exec('host3', 'systemctl stop etcd; rm -rf /var/lib/etcd/data');
  c.etcdctl('host1', 'put /while-host3-was-gone yes');
  const notDeployed = await drover(['etcd', 'replace-member', 'host9', '-i', c.inv], { timeoutMs: 60_000 });
  assert.equal(notDeployed.code, 5, 'a host outside the group is refused');
  const r = await drover(['etcd', 'replace-member', 'host3', '-i', c.inv, '--json'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const rep = JSON.parse(r.stdout.trim());
  assert.equal(rep.oldId, oldId);
  assert.ok(rep.newId && rep.newId !== oldId, 'member add gives a new ID');
  assert.deepEqual(rep.done, ['stopped', 'removed', 'added', 'started']);
  // host3's own copy (serializable read: no leader round trip) has what was written while it was gone
  assert.equal(c.etcdctl('host3', 'get /while-host3-was-gone --print-value-only --consistency=s').stdout.trim(), 'yes');
  const st = await drover(['etcd', 'status', '-i', c.inv, '--json'], { timeoutMs: 60_000 });
  assert.equal(st.code, 0, st.stdout);
  assert.equal(JSON.parse(st.stdout).find((x: { host: string }) => x.host === 'host3').id, rep.newId);
});
