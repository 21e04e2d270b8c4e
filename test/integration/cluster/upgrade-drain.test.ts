// drover cluster upgrade --strategy drain with the STOCK 1.6 kubelet: each node cordoned,
// its pods evicted (k8s_drain), kubelet and kube-proxy swapped, Ready at 1.6, uncordoned.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { containers, createPods, deployedWorld, NODES, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

let w: UpgradeWorld;

before(async () => {
  w = await deployedWorld(59, 'upgrade-drain', false);
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
}

test('drain with the stock kubelet: each node cordoned, drained, upgraded, Ready at 1.6 and uncordoned', async () => {
  const res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'drain', '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  const hosts = jsonEvents(res.stdout).find((e) => e.type === 'upgrade_report')!.hosts as HostRow[];
  assert.deepEqual(hosts.filter((h) => h.role === 'node').map((h) => [h.host, h.from, h.to, h.result]), NODES.map((n) => [n, 'v1.5.8', 'v1.6.13', 'ok']));
  assert.deepEqual(nodeStates(w), Object.fromEntries(NODES.map((n) => [n, ['v1.6.13', 'True', 'done']])));
  const sched = w.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.unschedulable}{"\\n"}{end}']);
  assert.equal(sched.stdout.trim(), NODES.map((n) => `${n}=`).join('\n'), 'every node uncordoned');
  assert.deepEqual(await containers(w), {}, 'the bare pods were evicted');
});
