// drover cluster upgrade --strategy control-plane-only with the STOCK 1.6 release: nodes stay
// 1.5 and Ready with their containers, the report says so; a later run with other options is
// refused until --fresh (its journal belongs to another plan).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { containers, CP, createPods, deployedWorld, installedVersions, NODES, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(59, 'upgrade-cp-only', false);
  await createPods(w, 1);
});

after(async () => {
  await stopWorld(w);
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

test('a run with other options refuses the journal of the earlier plan (exit 5)', async () => {
  const stale = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'drain']);
  assert.equal(stale.code, 5, stale.stdout.slice(-2000) + stale.stderr);
  assert.match(stale.stderr, /\[journal\] .*journal\.jsonl was written by another plan/);
  assert.deepEqual(Object.values(nodeStates(w)).map((s) => s[0]), ['v1.5.8', 'v1.5.8']);
});
