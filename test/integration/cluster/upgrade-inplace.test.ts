// drover cluster upgrade, in-place with the PATCHED 1.6 kubelet (the JDOS 2.0 path): 3
// control-plane hosts and 2 nodes go v1.5.8 -> v1.6.13 and every container survives (same ID,
// start time and restartCount); the rerun finds every node at the target and changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { containers, CP, createPods, deployedWorld, installedVersions, NODES, nodeStates, startProbe, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(58, 'upgrade-inplace', true);
  await createPods(w, 2);
});

after(async () => {
  await stopWorld(w);
});

test('--plan prints every step per host in order and changes nothing', async () => {
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--plan']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const out = res.stdout;
  const order = ['preflight', 'etcd backup', 'control plane cp1:', 'control plane cp2:', 'control plane cp3:', 'canary: node1', 'batch 1: node2'].map((s) => out.indexOf(s));
  assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), out);
  assert.match(out, /cp1: |move the VIP .* away \(stop keepalived/);
  assert.match(out, /node1: kubelet \+ kube-proxy -> v1\.6\.13, kubelet --cgroups-per-qos=false --enforce-node-allocatable=/);
  assert.match(out, /node2: compare containers/);
  assert.deepEqual(Object.values(installedVersions(w)), [...CP, ...NODES].map(() => 'Kubernetes v1.5.8'));
});

test('in-place with the patched kubelet: green, every container keeps its ID, start time and restartCount', async () => {
  const before = await containers(w);
  assert.equal(Object.keys(before).length, 6);
  const probe = startProbe(w);
  const t0 = Date.now();
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--json']);
  const wall = (Date.now() - t0) / 1000;
  const seen = await probe.stop();
  assert.equal(res.code, 0, res.stdout.slice(-4000) + res.stderr);
  const report = jsonEvents(res.stdout).find((e) => e.type === 'upgrade_report')!;
  assert.equal(report.status, 'ok');
  const hosts = report.hosts as { host: string; role: string; from: string; to: string; kept: number; recreated: string[]; result: string; durationMs: number }[];
  assert.deepEqual(hosts.map((h) => [h.host, h.result]), [...CP, ...NODES].map((h) => [h, 'ok']));
  assert.deepEqual(hosts.filter((h) => h.role === 'node').map((h) => [h.host, h.from, h.kept, h.recreated.length]), [['node1', 'v1.5.8', 3, 0], ['node2', 'v1.5.8', 3, 0]]);

  const after = await containers(w);
  assert.deepEqual(after, before, 'every container kept its ID, start time and restartCount');
  assert.deepEqual(nodeStates(w), { node1: ['v1.6.13-jdos.1', 'True', 'done'], node2: ['v1.6.13-jdos.1', 'True', 'done'] });
  assert.deepEqual(installedVersions(w), { cp1: 'Kubernetes v1.6.13', cp2: 'Kubernetes v1.6.13', cp3: 'Kubernetes v1.6.13', node1: 'Kubernetes v1.6.13-jdos.1', node2: 'Kubernetes v1.6.13-jdos.1' });
  for (const n of NODES) {
    const unit = w.fleet.exec(n, 'cat /etc/systemd/system/kubelet.service').stdout;
    assert.match(unit, /--cgroups-per-qos=false/);
    assert.match(unit, /--enforce-node-allocatable= /);
  }
  // 1.6 apiservers still store JSON, which a 1.5 apiserver could read
  assert.match(w.fleet.exec('cp1', 'cat /etc/systemd/system/kube-apiserver.service').stdout, /--storage-media-type=application\/json/);
  // a fresh backup was taken before anything changed
  const backups = join(w.dir, '.drover-upgrade', 'cluster.local', 'etcd-backups');
  assert.ok(existsSync(backups) && readdirSync(backups).some((f) => f.endsWith('.db')), 'an etcd snapshot is stored');
  console.log(`# upgrade 3+2 in-place (patched) v1.5.8 -> v1.6.13: ${wall.toFixed(1)} s wall; per host ${hosts.map((h) => `${h.host} ${(h.durationMs / 1000).toFixed(1)} s`).join(', ')}; probe ${seen.requests} kubectl requests through the VIP, ${seen.failures.length} failed${seen.failures.length ? `: ${seen.failures.join(' | ')}` : ''}`);
});

test('the same command again reports every node at the target and changes nothing', async () => {
  const before = await containers(w);
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  const ends = jsonEvents(res.stdout).filter((e) => e.type === 'upgrade_stage_end');
  assert.deepEqual(ends.filter((e) => e.stage.startsWith('control-plane:')).map((e) => e.status), ['resumed', 'resumed', 'resumed']);
  const hosts = jsonEvents(res.stdout).find((e) => e.type === 'upgrade_report')!.hosts as { host: string; role: string; detail: string }[];
  assert.deepEqual(hosts.filter((h) => h.role === 'node').map((h) => [h.host, h.detail]), NODES.map((n) => [n, 'already at the target, not changed']));
  assert.deepEqual(await containers(w), before);
});
