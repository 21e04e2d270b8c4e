// drover inspect on a cluster deployed by `drover cluster deploy` (the cluster world: stand-in
// v1.6.13 release, real etcd, own network per host; drover runs in the hub network): green after
// the deploy; a stopped kubelet makes its node NotReady and a stopped etcd member is critical on
// its host; both pass once started again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { buildRelease } from '../../kube-release/build.js';
import { hubDrover, writeClusterInventory } from '../cluster/cluster-harness.js';
import { failures, type JsonFinding } from './inspect-fleet.js';

const CP = ['cp1', 'cp2', 'cp3'];
const NODES = ['node1', 'node2'];
let fleet: Fleet;
let dir: string;
let inv: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inspect-world-'));
  const releases = join(dir, 'releases');
  await buildRelease({ version: 'v1.6.13', outDir: join(releases, 'v1.6.13') });
  fleet = await startFleet({ hosts: 5, subnet: 54, network: 'netns', hostNames: [...CP, ...NODES], name: 'inspect-world' });
  inv = writeClusterInventory(fleet, dir, 'cluster', { controlPlane: CP, nodes: NODES, vars: { kube_version: 'v1.6.13', kube_release_dir: releases, apiserver_vip: '10.154.0.250', inspect_kubeconfig: join(dir, 'pki', 'cluster.local', 'admin.conf'), inspect_overrides: { 'etcd-member': { expected_members: 3 } } } });
  const deploy = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv], { timeoutMs: 180_000 });
  assert.equal(deploy.code, 0, deploy.stdout.slice(-3000) + deploy.stderr);
});

after(async () => {
  await fleet?.stop();
});

async function inspect(): Promise<{ code: number; findings: JsonFinding[] }> {
  const r = await hubDrover(fleet, ['inspect', '-i', inv, '--only', 'cluster', '--only', 'etcd', '--json'], { timeoutMs: 120_000 });
  try {
    return { code: r.code, findings: JSON.parse(r.stdout).findings };
  } catch {
    return assert.fail(`no report (exit ${r.code}): ${r.stderr}${r.stdout.slice(0, 2000)}`);
  }
}

test('after the deploy every cluster and etcd check passes', async () => {
  const r = await inspect();
  assert.deepEqual(failures(r.findings), []);
  assert.equal(r.code, 0);
  const checks = new Set(r.findings.map((f) => f.check));
  for (const id of ['apiserver-healthz', 'leader-locks', 'nodes-ready', 'version-skew', 'pods-restarting', 'pods-pending', 'etcd-member']) assert.ok(checks.has(id), id);
  assert.deepEqual(r.findings.filter((f) => f.check === 'nodes-ready').map((f) => f.item).sort(), ['node/node1', 'node/node2']);
});

test('a stopped etcd member is critical on its host; started again, it passes', async () => {
  assert.equal(fleet.exec('cp3', 'systemctl stop etcd').rc, 0);
  let r = await inspect();
  assert.deepEqual(failures(r.findings), ['etcd-member cp3 health critical']);
  assert.equal(fleet.exec('cp3', 'systemctl start etcd').rc, 0);
  for (let i = 0; i < 20 && failures((r = await inspect()).findings).length; i++) await sleep(1000);
  assert.deepEqual(failures(r.findings), []);
});

test('a stopped kubelet: its node goes NotReady (after the 40 s grace) and is critical; started again, it passes', async () => {
  assert.equal(fleet.exec('node2', 'systemctl stop kubelet').rc, 0);
  let r = await inspect();
  for (let i = 0; i < 30 && !failures(r.findings).length; i++) {
    await sleep(3000);
    r = await inspect();
  }
  assert.deepEqual(failures(r.findings), ['nodes-ready cluster node/node2 critical']);
  assert.equal(r.code, 2);
  assert.equal(fleet.exec('node2', 'systemctl start kubelet').rc, 0);
  for (let i = 0; i < 30 && failures(r.findings).length; i++) {
    await sleep(2000);
    r = await inspect();
  }
  assert.deepEqual(failures(r.findings), []);
});
