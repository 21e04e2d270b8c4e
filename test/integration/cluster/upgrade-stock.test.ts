// drover cluster upgrade with the STOCK 1.6 kubelet: in-place proves unsafe on the canary
// (recreated containers detected, exit 2 naming the node and the containers, the other node
// untouched), the next run refuses, and rollback returns the canary to 1.5.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hubDrover } from './cluster-harness.js';
import { containers, createPods, deployedWorld, installedVersions, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(59, 'upgrade-stock', false);
  await createPods(w, 2);
});

after(async () => {
  await stopWorld(w);
});

test('in-place with the stock kubelet: the canary recreates its containers, the run stops with exit 2 naming them, node2 untouched; rollback returns node1 to 1.5', async () => {
  const before = await containers(w);
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13']);
  assert.equal(res.code, 2, res.stdout.slice(-4000) + res.stderr);
  const node1Pods = Object.keys(before).filter((k) => before[k]!.node === 'node1');
  assert.match(res.stderr, /stopped at canary \(in-place\): canary: 1 node\(s\) failed: 1 > --max-failures 0; the rollout stops here, later nodes untouched/);
  assert.match(res.stderr, /node1: recreated \d+ of 3 containers: /);
  for (const k of node1Pods) assert.ok(res.stderr.includes(`default/${k}`), `${k} named in: ${res.stderr}`);
  assert.match(res.stdout, /node1\s+node\s+v1\.5\.8 -> v1\.6\.13\s+in-place\s+\S+\s+\d+\s+[1-3]\s+failed/);

  // node2: not touched at all
  const now = await containers(w);
  for (const k of Object.keys(before).filter((x) => before[x]!.node === 'node2')) assert.deepEqual(now[k], before[k], `${k} on node2 changed`);
  const states = nodeStates(w);
  assert.deepEqual(states.node2, ['v1.5.8', 'True', '']);
  assert.deepEqual(states.node1, ['v1.6.13', 'True', 'failed']);
  assert.equal(installedVersions(w).node2, 'Kubernetes v1.5.8');

  // the same command refuses while the canary is marked failed
  const again = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13']);
  assert.equal(again.code, 5, again.stdout.slice(-2000) + again.stderr);
  assert.match(again.stderr, /node1: failed an earlier upgrade \(drover\.io\/upgrade=failed\); roll it back first: drover cluster rollback --node node1/);

  const back = await hubDrover(w.fleet, ['cluster', 'rollback', '-i', w.inv, '--node', 'node1']);
  assert.equal(back.code, 0, back.stdout.slice(-3000) + back.stderr);
  assert.match(back.stdout, /ROLLBACK node1 -> v1\.5\.8: ok/);
  assert.deepEqual(nodeStates(w).node1, ['v1.5.8', 'True', 'rolled-back']);
  assert.equal(installedVersions(w).node1, 'Kubernetes v1.5.8');
  assert.doesNotMatch(w.fleet.exec('node1', 'cat /etc/systemd/system/kubelet.service').stdout, /cgroups-per-qos/);
});
