// drover cluster upgrade's preflight refusals (a two-minor jump, a wrong-version binary, a
// missing binary, a NotReady node): exit 5, and no binary, node label or backup changed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hubDrover } from './cluster-harness.js';
import { CP, deployedWorld, installedVersions, NODES, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(59, 'upgrade-preflight', false);
});

after(async () => {
  await stopWorld(w);
});

/** No host changed: every binary still 1.5.8, no node labelled, no backup taken. */
function unchanged(): void {
  assert.deepEqual(Object.values(installedVersions(w)), [...CP, ...NODES].map(() => 'Kubernetes v1.5.8'));
  for (const [n, s] of Object.entries(nodeStates(w))) assert.equal(s[2], '', `${n} was labelled`);
  assert.ok(!existsSync(join(w.dir, '.drover-upgrade', 'cluster.local', 'etcd-backups')), 'no backup before preflight passed');
}

test('preflight refuses a two-minor jump, a wrong-version or missing binary and a NotReady node with exit 5, nothing changed', async () => {
  const jump = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.7.0']);
  assert.equal(jump.code, 5, jump.stdout + jump.stderr);
  assert.match(jump.stderr, /\[version\] v1\.7\.0: v1\.5\.8 -> v1\.7\.0 skips 1 minor\(s\): the skew rules allow one minor at a time \(upgrade to 1\.6 first\)/);

  const wrong = join(w.dir, 'wrong');
  cpSync(w.releases, wrong, { recursive: true });
  copyFileSync(join(w.releases, 'v1.5.8', 'kubelet'), join(wrong, 'v1.6.13', 'kubelet'));
  const bad = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '-e', `kube_release_dir=${wrong}`]);
  assert.equal(bad.code, 5, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /\[release\] .*wrong\/v1\.6\.13\/kubelet: --version says 'Kubernetes v1\.5\.8', wanted 'Kubernetes v1\.6\.13'/);

  // a binary missing from the target release
  rmSync(join(wrong, 'v1.6.13', 'kube-proxy'));
  const missing = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '-e', `kube_release_dir=${wrong}`]);
  assert.equal(missing.code, 5, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /\[release\] .*wrong\/v1\.6\.13\/kube-proxy: is missing/);

  // node2's kubelet stopped and its Ready condition False (what the node controller writes after the grace period)
  assert.equal(w.fleet.exec('node2', 'systemctl stop kubelet').rc, 0);
  try {
    const patch = w.kubectl(['patch', 'node', 'node2', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] } })]);
    assert.equal(patch.rc, 0, patch.stderr);
    const notReady = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13']);
    assert.equal(notReady.code, 5, notReady.stdout + notReady.stderr);
    assert.match(notReady.stderr, /\[nodes\] node2: is not Ready \(fix it, or pass --allow-not-ready/);
  } finally {
    w.fleet.exec('node2', 'systemctl start kubelet');
  }
  for (let i = 0; i < 30 && nodeStates(w).node2?.[1] !== 'True'; i++) await sleep(1000);
  assert.equal(nodeStates(w).node2?.[1], 'True');
  unchanged();
});

