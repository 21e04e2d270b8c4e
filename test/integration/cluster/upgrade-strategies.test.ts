// drover cluster upgrade's other two strategies with the STOCK 1.6 kubelet: control-plane-only
// (nodes stay 1.5 and Ready, the report says so), then drain (cordon, evict, swap, Ready,
// uncordon: every node at 1.6 and schedulable).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { CP, NODES, containers, createPods, deployedWorld, installedVersions, nodeStates, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(59, 'upgrade-strategies', false);
  await createPods(w, 1);
});

after(async () => {
  await w?.fleet.stop();
});

interface HostRow {
  host: string;
  role: string;
  from: string;
  to: string;
  result: string;
  detail: string;
}

test('control-plane-only: the control plane runs 1.6, nodes stay 1.5 and Ready with their containers, the report says so', async () => {
  const before = await containers(w);
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'control-plane-only', '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  const hosts = jsonEvents(res.stdout).find((e) => e.type === 'upgrade_report')!.hosts as HostRow[];
  assert.deepEqual(hosts.map((h) => [h.host, h.result]), [...CP.map((h) => [h, 'ok']), ...NODES.map((n) => [n, 'kept'])]);
  for (const n of hosts.filter((h) => h.role === 'node')) assert.equal(n.detail, 'kubelet stays v1.5.8 (control-plane-only; new nodes join at v1.6.13)');
  assert.deepEqual(installedVersions(w), { cp1: 'Kubernetes v1.6.13', cp2: 'Kubernetes v1.6.13', cp3: 'Kubernetes v1.6.13', node1: 'Kubernetes v1.5.8', node2: 'Kubernetes v1.5.8' });
  assert.deepEqual(nodeStates(w), Object.fromEntries(NODES.map((n) => [n, ['v1.5.8', 'True', 'kept']])));
  assert.deepEqual(await containers(w), before);
});

test('drain with the stock kubelet: each node cordoned, drained, upgraded, Ready at 1.6 and uncordoned', async () => {
  // the options changed, so the journal of the control-plane-only run is set aside
  const stale = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'drain']);
  assert.equal(stale.code, 5, stale.stdout.slice(-2000) + stale.stderr);
  assert.match(stale.stderr, /\[journal\] .*journal\.jsonl was written by another plan/);

  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'drain', '--fresh', '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  const hosts = jsonEvents(res.stdout).find((e) => e.type === 'upgrade_report')!.hosts as HostRow[];
  assert.deepEqual(hosts.filter((h) => h.role === 'node').map((h) => [h.host, h.from, h.to, h.result]), NODES.map((n) => [n, 'v1.5.8', 'v1.6.13', 'ok']));
  assert.deepEqual(nodeStates(w), Object.fromEntries(NODES.map((n) => [n, ['v1.6.13', 'True', 'done']])));
  const sched = w.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.unschedulable}{"\\n"}{end}']);
  assert.equal(sched.stdout.trim(), NODES.map((n) => `${n}=`).join('\n'), 'every node uncordoned');
  assert.deepEqual(await containers(w), {}, 'the bare pods were evicted');
});
