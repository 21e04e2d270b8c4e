// drover cluster upgrade --strategy drain with the STOCK 1.6 kubelet: each node cordoned,
// its pods evicted (k8s_drain), kubelet and kube-proxy swapped, Ready at 1.6, uncordoned. The
// workload is a ReplicaSet (extensions/v1beta1, created with the real kubectl), so the
// controller-manager recreates every evicted pod and the scheduler binds it to the other,
// schedulable node: sampled during the run, the replicas are all Running on node2 while node1
// is drained, and all Running on node1 (again at 1.6) after node2's turn.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonEvents } from '../../helpers/cli.js';
import { hubDrover } from './cluster-harness.js';
import { deployedWorld, NODES, nodeStates, stopWorld, type UpgradeWorld } from './upgrade-harness.js';

const REPLICAS = 4;
let w: UpgradeWorld;

/** Live pods of the ReplicaSet: name → [node, phase, every container running]. */
function webPods(): Record<string, [string, string, boolean]> {
  const r = w.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']);
  assert.equal(r.rc, 0, r.stderr);
  const out: Record<string, [string, string, boolean]> = {};
  for (const p of JSON.parse(r.stdout).items) {
    if (p.metadata.deletionTimestamp) continue;
    const statuses: { state?: { running?: unknown } }[] = p.status?.containerStatuses ?? [];
    out[p.metadata.name] = [p.spec.nodeName ?? '', p.status?.phase ?? '', statuses.length === p.spec.containers.length && statuses.every((c) => c.state?.running)];
  }
  return out;
}

const allRunningOn = (pods: Record<string, [string, string, boolean]>, node: string): boolean => Object.keys(pods).length === REPLICAS && Object.values(pods).every(([n, phase, up]) => n === node && phase === 'Running' && up);

before(async () => {
  w = await deployedWorld(72, 'u2-upgrade-drain', false);
  const file = join(w.dir, 'web-rs.json');
  const template = { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '100000'] }, { name: 'sidecar', image: 'busybox', command: ['sleep', '100000'] }] } };
  writeFileSync(file, JSON.stringify({ apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: REPLICAS, template } }));
  const r = w.kubectl(['create', '--validate=false', '-f', file]);
  assert.equal(r.rc, 0, r.stderr);
  const t0 = Date.now();
  // the scheduler spreads them, least loaded first: two per node
  for (let pods = webPods(); !(Object.keys(pods).length === REPLICAS && Object.values(pods).every(([, phase, up]) => phase === 'Running' && up)); pods = webPods()) {
    assert.ok(Date.now() - t0 < 90_000, `the ReplicaSet's pods not running after 90 s: ${JSON.stringify(pods)}`);
    await sleep(1000);
  }
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
  durationMs: number;
}

test('drain with the stock kubelet: every node drained and upgraded, its ReplicaSet pods recreated Running on the other node, every node uncordoned at 1.6', async () => {
  const before = webPods();
  assert.deepEqual(NODES.map((n) => Object.values(before).filter(([node]) => node === n).length), [2, 2], 'two replicas per node before the run');
  // sample the pods while the upgrade runs
  const samples: Record<string, [string, string, boolean]>[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(webPods());
      await sleep(2000);
    }
  })();
  let res;
  const t0 = Date.now();
  try {
    res = await hubDrover(w.fleet, ['cluster', 'upgrade', '-i', w.inv, '--to', 'v1.6.13', '--strategy', 'drain', '--json']);
  } finally {
    sampling = false;
    await sampler;
  }
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  const hosts = jsonEvents(res.stdout).find((e) => e.type === 'upgrade_report')!.hosts as HostRow[];
  assert.deepEqual(hosts.filter((h) => h.role === 'node').map((h) => [h.host, h.from, h.to, h.result]), NODES.map((n) => [n, 'v1.5.8', 'v1.6.13', 'ok']));
  console.log(`# drain upgrade 3 + 2: ${((Date.now() - t0) / 1000).toFixed(1)} s wall; ${hosts.map((h) => `${h.host} ${(h.durationMs / 1000).toFixed(1)} s`).join(', ')}`);
  assert.deepEqual(nodeStates(w), Object.fromEntries(NODES.map((n) => [n, ['v1.6.13', 'True', 'done']])));
  const sched = w.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.unschedulable}{"\\n"}{end}']);
  assert.equal(sched.stdout.trim(), NODES.map((n) => `${n}=`).join('\n'), 'every node uncordoned');

  // node1's turn: its pods were recreated on node2 and ran there with the replica count kept
  assert.ok(samples.some((s) => allRunningOn(s, 'node2')), `never saw all ${REPLICAS} replicas Running on node2 while node1 was drained`);
  // node2's turn: recreated on node1 (upgraded, uncordoned), Running; none of the original pods is left
  let after = webPods();
  for (let i = 0; i < 30 && !allRunningOn(after, 'node1'); i++) {
    await sleep(1000);
    after = webPods();
  }
  assert.ok(allRunningOn(after, 'node1'), `after the run: ${JSON.stringify(after)}`);
  assert.ok(Object.keys(after).every((p) => !(p in before)), 'every pod was recreated by the ReplicaSet');
  const rs = JSON.parse(w.kubectl(['get', 'replicasets.extensions', 'web', '-o', 'json']).stdout);
  assert.equal(rs.status.replicas, REPLICAS);
  // no pod was ever over or under the replica count once settled: the most seen at once is the count
  assert.ok(samples.every((s) => Object.keys(s).length <= REPLICAS), 'never more live pods than replicas');
});
