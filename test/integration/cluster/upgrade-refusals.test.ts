// drover cluster upgrade on one deployed world (3 control-plane hosts, 4 nodes, the STOCK 1.6
// kubelet, so an in-place node with pods fails and one without passes): preflight refuses an
// unhealthy etcd member and a failed backup (exit 5, nothing changed); then one run with
// --allow-not-ready and --max-failures 1 in batches of one goes around a NotReady node, goes on
// past one failed node and stops once a second one fails, leaving the last node untouched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { containers, CP, deployedWorld, installedVersions, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

const NODES4 = ['node1', 'node2', 'node3', 'node4'];
let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(71, 'u1-upgrade-refusals', false, NODES4);
  // pods on node1 and node3 only: a stock 1.6 kubelet recreates their containers
  const pod = (node: string): object => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${node}`, namespace: 'default' }, spec: { nodeName: node, terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '100000'] }] } });
  writeFileSync(join(w.dir, 'pods.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('node1'), pod('node3')] }));
  const r = w.kubectl(['create', '--validate=false', '-f', join(w.dir, 'pods.json')]);
  assert.equal(r.rc, 0, r.stderr);
  for (let i = 0; Object.values(await containers(w)).filter((c) => c.id && c.startedAt).length < 2; i++) {
    assert.ok(i < 60, 'pods not running after 60 s');
    await sleep(1000);
  }
});

after(async () => {
  await stopWorld(w);
});

/** No host changed: every binary still 1.5.8, no node labelled, no backup taken. */
function unchanged(): void {
  assert.deepEqual(Object.values(installedVersions(w)), [...CP, ...NODES4].map(() => 'Kubernetes v1.5.8'));
  for (const [n, s] of Object.entries(nodeStates(w))) assert.equal(s[2], '', `${n} was labelled`);
}

test('preflight refuses an unhealthy etcd member and a failed backup: exit 5, nothing changed', async () => {
  assert.equal(w.fleet.exec('cp3', 'systemctl stop etcd').rc, 0);
  try {
    const sick = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13']);
    assert.equal(sick.code, 5, sick.stdout + sick.stderr);
    assert.match(sick.stderr, /\[etcd\] etcd cp3: /);
    assert.doesNotMatch(sick.stderr, /\[etcd\] etcd cp[12]: /);
  } finally {
    w.fleet.exec('cp3', 'systemctl start etcd');
  }
  for (let i = 0; w.fleet.exec('cp1', '. /root/etcdctl.env && etcdctl endpoint health --cluster').rc !== 0; i++) {
    assert.ok(i < 30, 'etcd healthy again within 30 s');
    await sleep(1000);
  }
  assert.ok(!existsSync(join(w.dir, '.drover-upgrade', 'cluster.local', 'etcd-backups')), 'no backup before preflight passed');
  // a --backup-dir under a regular file cannot be created: the backup fails, so does the run
  const noBackup = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--backup-dir', join(w.inv, 'backups')]);
  assert.equal(noBackup.code, 5, noBackup.stdout + noBackup.stderr);
  assert.match(noBackup.stderr, /\[backup\] .*cluster\.yml\/backups: no fresh verified etcd backup: .*ENOTDIR/);
  unchanged();
});

test('--allow-not-ready goes around a NotReady node; --max-failures 1 goes on past one failed node and stops at the second', async () => {
  assert.equal(w.fleet.exec('node2', 'systemctl stop kubelet').rc, 0);
  const patch = w.kubectl(['patch', 'node', 'node2', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] } })]);
  assert.equal(patch.rc, 0, patch.stderr);
  const t0 = Date.now();
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'in-place', '--canary', '0', '--batch', '1', '--max-failures', '1', '--allow-not-ready', '--json']);
  const wall = (Date.now() - t0) / 1000;
  assert.equal(res.code, 2, res.stdout.slice(-4000) + res.stderr);
  const ev = jsonEvents(res.stdout);
  const report = ev.find((e) => e.type === 'upgrade_report')!;
  const rows = (report.hosts as { host: string; role: string; result: string; detail: string }[]).filter((h) => h.role === 'node');
  assert.deepEqual(rows.map((r) => [r.host, r.result]), [['node1', 'failed'], ['node2', 'skipped'], ['node3', 'failed']]);
  assert.equal(rows[1]!.detail, 'NotReady (--allow-not-ready)');
  assert.match(rows[0]!.detail, /recreated 1 of 1 containers: default\/web-node1\/app/);
  assert.deepEqual((report.failed as { stage: string }).stage, 'nodes:batch3');
  assert.match(String((report.failed as { error: string }).error), /batch 3: 1 node\(s\) failed, and 1 in earlier batches \(node1\): 2 > --max-failures 1; the rollout stops here/);
  // batch 1 and 2 went through (gate: failures within 1); node4 never touched
  assert.deepEqual(ev.filter((e) => e.type === 'upgrade_stage_end' && String(e.stage).startsWith('nodes:')).map((e) => [e.stage, e.status]), [['nodes:batch1', 'done'], ['nodes:batch2', 'done'], ['nodes:batch3', 'failed']]);
  const states = nodeStates(w);
  assert.deepEqual([states.node1?.[2], states.node2?.[2], states.node3?.[2], states.node4?.[2]], ['failed', '', 'failed', '']);
  assert.deepEqual(installedVersions(w), { cp1: 'Kubernetes v1.6.13', cp2: 'Kubernetes v1.6.13', cp3: 'Kubernetes v1.6.13', node1: 'Kubernetes v1.6.13', node2: 'Kubernetes v1.5.8', node3: 'Kubernetes v1.6.13', node4: 'Kubernetes v1.5.8' });
  console.log(`# --max-failures 1, batches of 1, node2 NotReady: ${rows.map((r) => `${r.host} ${r.result}`).join(', ')}, node4 untouched; the run stopped at batch 3 (exit 2) after ${wall.toFixed(1)} s`);
});
