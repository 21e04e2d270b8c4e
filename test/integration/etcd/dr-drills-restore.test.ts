// Issue 17 drills, restore side, on a real 3-member TLS etcd cluster on the fleet: a frozen
// member (status and backup within 15 s), restores refused by the preflight with nothing
// touched, a restore without --expect-prefix, a failure after the point of no return and one
// before it (rolled back), and a total loss (first progress line within 5 s).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { drover } from '../../helpers/cli.js';
import { droverTimed, isActive, standInApiserver, startDrillCluster, type DrillCluster } from './drill-cluster.js';

let c: DrillCluster;
let store: string;
let snap: string;
const MEMBERS = ['host1', 'host2', 'host3'];

before(async () => {
  c = await startDrillCluster({ name: 'drill-r', subnet: Number(process.env.DROVER_DRILL_SUBNET ?? 45), hosts: 7, token: 'drill-r' });
  // host4-6: never deployed; host7: a control-plane host with a (stand-in) kube-apiserver
  c.writeInventory(c.inv, { etcd: MEMBERS, fresh: ['host4', 'host5', 'host6'], pair: ['host1', 'host2'], apis: ['host7'] });
  standInApiserver(c.fleet, 'host7');
  c.fleet.exec('host1', '. /root/etcdctl.env && for i in $(seq 1 200); do etcdctl put /drill/k$i v$i >/dev/null; done');
  store = join(c.dir, 'store');
  const b = await drover(['etcd', 'backup', '-i', c.inv, '--dir', store, '--cluster', 'drill-r', '--json'], { timeoutMs: 120_000 });
  assert.equal(b.code, 0, b.stdout + b.stderr);
  snap = JSON.parse(b.stdout.trim()).file;
});

after(async () => {
  await c?.fleet.stop();
  // snapshots and keys of the drill cluster
  if (c) rmSync(c.dir, { recursive: true, force: true });
});

const keyCount = (host: string): number => Number(c.etcdctl(host, 'get /drill/ --prefix --keys-only | grep -c .').stdout.trim());

test('one frozen member: etcd status and a backup each finish within 15 s (probes in parallel, short timeouts)', async () => {
  c.fleet.exec('host3', 'kill -STOP $(pidof etcd)');
  try {
    const status = await droverTimed(['etcd', 'status', '-i', c.inv, '--json'], 60_000);
    assert.equal(status.code, 2, status.stdout + status.stderr);
    const rows = JSON.parse(status.stdout);
    assert.deepEqual(rows.map((r: { host: string; healthy: boolean }) => [r.host, r.healthy]), [['host1', true], ['host2', true], ['host3', false]]);
    assert.ok(status.ms < 15_000, `etcd status took ${status.ms} ms with one member frozen (issue 17: within 15 s)`);
    const backup = await droverTimed(['etcd', 'backup', '-i', c.inv, '--dir', join(c.dir, 'dead-member'), '--cluster', 'drill-r', '--json', '-v'], 60_000);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    assert.equal(JSON.parse(backup.stdout.trim()).status, 'ok');
    assert.ok(backup.ms < 15_000, `backup took ${backup.ms} ms with one member frozen (issue 17: within 15 s)`);
    assert.match(backup.stderr, /probing 3 members in parallel/);
    console.log(`# frozen member: etcd status ${status.ms} ms, backup ${backup.ms} ms`);
  } finally {
    c.fleet.exec('host3', 'kill -CONT $(pidof etcd)');
  }
});

test('preflight: a restore onto never-deployed hosts, or onto 2 members, is refused and touches nothing', async () => {
  const undeployed = await drover(['etcd', 'restore', '-i', c.inv, snap, '--group', 'fresh', '--apiserver-group', 'apis', '--token', 'x', '--force', '--json'], { timeoutMs: 90_000 });
  assert.equal(undeployed.code, 5, undeployed.stdout + undeployed.stderr);
  const r = JSON.parse(undeployed.stdout.trim());
  assert.equal(r.state, 'untouched');
  assert.match(r.error, /host4: etcd unit \/etc\/systemd\/system\/etcd\.service missing/);
  assert.match(r.error, /host6: certificate or key \/etc\/etcd\/pki\/ca\.crt missing/);
  for (const h of ['host4', 'host5', 'host6']) {
    assert.equal(c.fleet.exec(h, 'pidof etcd').stdout.trim(), '', `no etcd started on ${h}`);
    assert.equal(c.fleet.exec(h, 'test -e /var/lib/etcd/data; echo $?').stdout.trim(), '1', `no data dir made on ${h}`);
  }
  assert.equal(isActive(c.fleet, 'host7', 'kube-apiserver'), 'active', 'the apiserver was not stopped');

  const pair = await drover(['etcd', 'restore', snap, '-i', c.inv, '--group', 'pair', '--token', c.token, '--force'], { timeoutMs: 60_000 });
  assert.equal(pair.code, 5);
  assert.match(pair.stderr, /group 'pair' has 2 members; a restore needs an odd number of members, at least 3/);
  const st = await drover(['etcd', 'status', '-i', c.inv], { timeoutMs: 60_000 });
  assert.equal(st.code, 0, `the cluster still runs untouched: ${st.stdout}`);

  // a .sha256 beside the snapshot that disagrees with it: refused before anything is touched
  const copy = join(c.dir, 'copy.db');
  copyFileSync(snap, copy);
  writeFileSync(`${copy}.sha256`, `${'0'.repeat(64)}  copy.db\n`);
  const bad = await drover(['etcd', 'restore', copy, '-i', c.inv, '--token', c.token, '--force'], { timeoutMs: 60_000 });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /differs from copy\.db\.sha256/);
});

test('restore without --expect-prefix, written `restore -i INV SNAP`: restored, verified, moved-aside dirs listed', async () => {
  c.etcdctl('host1', 'del /drill/ --prefix');
  assert.equal(keyCount('host1'), 0);
  const r = await drover(['etcd', 'restore', '-i', c.inv, snap, '--token', c.token, '--force'], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /etcd-restore ok state=restored/);
  for (const h of MEMBERS) assert.match(r.stdout, new RegExp(`old data of ${h} kept at /var/lib/etcd/data\\.drover-\\d{8}T\\d{6}Z`));
  assert.equal(keyCount('host2'), 200);
});

test('a failure after the point of no return still starts the apiservers it stopped and reports the state it left (exit 4)', async () => {
  // an interrupted restore's upload left on a member: removed by this run
  c.fleet.exec('host2', 'umask 077; echo secret > /var/tmp/drover-restore-20260101T000000Z-0123456789ab.db');
  const r = await drover(['etcd', 'restore', snap, '-i', c.inv, '--apiserver-group', 'apis', '--token', c.token, '--force', '--expect-prefix', '/nothing-here/', '--json'], { timeoutMs: 180_000 });
  assert.equal(r.code, 4, r.stdout + r.stderr);
  const rep = JSON.parse(r.stdout.trim());
  assert.equal(rep.state, 'restored-unverified');
  assert.equal(rep.exitCode, 4);
  assert.match(rep.error, /no keys under \/nothing-here\//);
  assert.deepEqual(rep.etcdState, { host1: 'active', host2: 'active', host3: 'active' });
  assert.deepEqual(rep.apiserverState, { host7: 'active' });
  assert.equal(isActive(c.fleet, 'host7', 'kube-apiserver'), 'active');
  assert.deepEqual(rep.removedRemote, ['host2:/var/tmp/drover-restore-20260101T000000Z-0123456789ab.db']);
  assert.equal(keyCount('host3'), 200, 'the restored data runs');
});

test('a failure before the point of no return rolls back: old data in place, etcd and apiservers running (exit 2)', async () => {
  c.etcdctl('host1', 'put /drill/written-after-backup yes');
  // host3's etcdctl cannot restore (the rest of etcdctl still works)
  c.fleet.exec('host3', 'printf \'#!/bin/sh\\n[ "$1 $2" = "snapshot restore" ] && { echo "disk full" >&2; exit 1; }\\nexec /usr/bin/etcdctl "$@"\\n\' > /usr/local/bin/etcdctl; chmod 755 /usr/local/bin/etcdctl');
  try {
    const r = await drover(['etcd', 'restore', snap, '-i', c.inv, '--apiserver-group', 'apis', '--token', c.token, '--force', '--json'], { timeoutMs: 180_000 });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const rep = JSON.parse(r.stdout.trim());
    assert.equal(rep.state, 'rolled-back');
    assert.match(rep.error, /snapshot restore on host3 failed/);
    assert.deepEqual(rep.movedAside, {}, 'every old data dir is back in place');
    assert.ok(rep.failedRestores.host1 && rep.failedRestores.host2, 'the members that did restore had that data moved out of the way');
    assert.deepEqual(rep.etcdState, { host1: 'active', host2: 'active', host3: 'active' });
    assert.equal(isActive(c.fleet, 'host7', 'kube-apiserver'), 'active');
  } finally {
    c.fleet.exec('host3', 'rm -f /usr/local/bin/etcdctl');
  }
  // the old cluster serves again, with the key written after the backup
  let value = '';
  for (let i = 0; i < 20 && value !== 'yes'; i++) {
    value = c.etcdctl('host2', 'get /drill/written-after-backup --print-value-only').stdout.trim();
    if (value !== 'yes') await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(value, 'yes');
});

test('total loss: the first progress line comes within 5 s, every member is reported within 15 s, and the cluster comes back', async () => {
  for (const h of MEMBERS) c.fleet.exec(h, 'systemctl stop etcd; rm -rf /var/lib/etcd/data*');
  const r = await droverTimed(['etcd', 'restore', snap, '-i', c.inv, '--token', c.token, '--expect-prefix', '/drill/'], 240_000);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.lines[0]!.at < 5000, `first progress line after ${r.lines[0]!.at} ms (issue 17: within 5 s)`);
  for (const h of MEMBERS) {
    const l = r.lines.find((x) => x.text.includes(`${h}: deployed, no data dir, etcd not answering`));
    assert.ok(l && l.at < 15_000, `${h} reported at ${l?.at} ms`);
  }
  assert.equal(keyCount('host1'), 200);
  console.log(`# total loss: first progress line ${r.lines[0]!.at} ms, restore ${r.ms} ms`);
});
