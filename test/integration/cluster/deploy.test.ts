// drover cluster deploy on the cluster world: a v1.5 HA cluster of 3 control-plane hosts
// (also etcd) and 4 nodes on an own-network fleet, real etcd, real keepalived, the stand-in
// release. Preflight refusals first (nothing touched), then the deploy, the rerun, scale-out
// and the VIP failover drill.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { jsonEvents, jsonSummary } from '../../helpers/cli.js';
import { buildRelease } from '../../kube-release/build.js';
import { hubDrover, hubKubectl, writeClusterInventory } from './cluster-harness.js';

const CP = ['cp1', 'cp2', 'cp3'];
const NODES = ['node1', 'node2', 'node3', 'node4'];
const VIP = '10.151.0.250';
let fleet: Fleet;
let dir: string;
let releases: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-deploy-'));
  releases = join(dir, 'releases');
  await buildRelease({ version: 'v1.5.8', outDir: join(releases, 'v1.5.8') });
  // broken releases for the preflight drills: one binary missing, one of the wrong version
  await buildRelease({ version: 'v1.6.13', outDir: join(dir, 'other', 'v1.6.13') });
  cpSync(join(releases, 'v1.5.8'), join(dir, 'missing', 'v1.5.8'), { recursive: true });
  rmSync(join(dir, 'missing', 'v1.5.8', 'kube-proxy'));
  cpSync(join(releases, 'v1.5.8'), join(dir, 'wrong', 'v1.5.8'), { recursive: true });
  copyFileSync(join(dir, 'other', 'v1.6.13', 'kubelet'), join(dir, 'wrong', 'v1.5.8', 'kubelet'));
  fleet = await startFleet({ hosts: 8, subnet: 51, network: 'netns', hostNames: [...CP, ...NODES, 'node5'], name: 'cluster-deploy' });
});

after(async () => {
  await fleet?.stop();
});

const inventory = (name: string, over: Partial<{ etcd: string[]; nodes: string[]; vars: Record<string, unknown> }> = {}): string =>
  writeClusterInventory(fleet, dir, name, { controlPlane: CP, etcd: over.etcd, nodes: over.nodes ?? NODES, vars: { kube_version: 'v1.5.8', kube_release_dir: releases, apiserver_vip: VIP, ...over.vars } });

/** Nothing of a deploy on any host: no /etc/kubernetes, no etcd config. */
function untouched(): void {
  for (const h of fleet.hosts) assert.equal(fleet.exec(h.name, 'test -e /etc/kubernetes || test -e /etc/etcd/etcd.conf.yml').rc, 1, `${h.name} was touched`);
}

test('preflight refuses an even etcd count, a missing binary, a wrong-version binary and a VIP someone else holds, with exit 5 and no host touched', async () => {
  const even = await hubDrover(fleet, ['cluster', 'deploy', '-i', inventory('even', { etcd: ['cp1', 'cp2'] })]);
  assert.equal(even.code, 5, even.stdout + even.stderr);
  assert.match(even.stderr, /even\.yml: etcd: group etcd has 2 members/);

  const missing = await hubDrover(fleet, ['cluster', 'deploy', '-i', inventory('missing', { vars: { kube_release_dir: join(dir, 'missing') } })]);
  assert.equal(missing.code, 5, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /\[release\] .*missing\/v1\.5\.8\/kube-proxy: is missing/);

  const wrong = await hubDrover(fleet, ['cluster', 'deploy', '-i', inventory('wrong', { vars: { kube_release_dir: join(dir, 'wrong') } })]);
  assert.equal(wrong.code, 5, wrong.stdout + wrong.stderr);
  assert.match(wrong.stderr, /wrong\/v1\.5\.8\/kubelet: --version says 'Kubernetes v1\.6\.13', wanted 'Kubernetes v1\.5\.8'/);

  // node5 (not in the cluster's control plane) has taken the VIP
  assert.equal(fleet.exec('node5', `ip addr add ${VIP}/32 dev eth0`).rc, 0);
  try {
    const taken = await hubDrover(fleet, ['cluster', 'deploy', '-i', inventory('taken', { nodes: [...NODES, 'node5'] })]);
    assert.equal(taken.code, 5, taken.stdout + taken.stderr);
    assert.match(taken.stderr, /\[vip\] 10\.151\.0\.250: held by node5, which is not a control-plane host/);
  } finally {
    fleet.exec('node5', `ip addr del ${VIP}/32 dev eth0`);
  }
  untouched();
});

test('a v1.5 cluster of 3 control-plane hosts and 4 nodes deploys green; kubectl through the VIP lists 4 Ready nodes; a rerun changes nothing', async () => {
  const inv = inventory('cluster');
  const t0 = Date.now();
  const first = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv, '--json']);
  const firstS = (Date.now() - t0) / 1000;
  assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  const table = jsonEvents(first.stdout).find((e) => e.type === 'cluster_verification')!;
  assert.equal(table.ok, true, JSON.stringify(table.rows));
  assert.deepEqual(table.rows.map((r: { subject: string }) => r.subject), ['apiserver cp1', 'apiserver cp2', 'apiserver cp3', `vip ${VIP}`, 'kube-controller-manager leader', 'kube-scheduler leader', ...NODES.map((n) => `node ${n}`), 'etcd cp1', 'etcd cp2', 'etcd cp3']);

  const kc = join(dir, 'pki', 'cluster.local', 'admin.conf');
  const nodes = hubKubectl(fleet, kc, ['get', 'nodes', '--no-headers', '-L', 'drover.io/lifecycle'], join(dir, 'kcache'));
  assert.equal(nodes.rc, 0, nodes.stderr);
  const rows = nodes.stdout.trim().split('\n').map((l) => l.split(/\s+/));
  assert.deepEqual(rows.map((r) => [r[0], r[1], r.at(-2), r.at(-1)]), NODES.map((n) => [n, 'Ready', 'v1.5.8', 'ready']));
  assert.match(hubKubectl(fleet, kc, ['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.server}'], join(dir, 'kcache')).stdout, new RegExp(`https://${VIP.replace(/\./g, '\\.')}:6443`));

  const t1 = Date.now();
  const second = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv, '--json']);
  const secondS = (Date.now() - t1) / 1000;
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  const stats = jsonSummary(second.stdout).stats;
  for (const [h, s] of Object.entries(stats)) assert.equal(s.changed, 0, `${h} changed on the rerun`);
  assert.deepEqual(jsonEvents(second.stdout).find((e) => e.type === 'cluster_pki')!.changed, []);
  console.log(`# deploy 3+4 v1.5.8: first run ${firstS.toFixed(1)} s, second run ${secondS.toFixed(1)} s`);
});

test('a fifth node joins with --limit; only it changes', async () => {
  const inv = inventory('cluster', { nodes: [...NODES, 'node5'] });
  const res = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv, '-l', 'node5', '--json']);
  assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
  const stats = jsonSummary(res.stdout).stats;
  assert.deepEqual(Object.keys(stats), ['node5']);
  assert.ok(stats.node5!.changed > 0);
  const pki = jsonEvents(res.stdout).find((e) => e.type === 'cluster_pki')!;
  assert.deepEqual([...new Set(pki.changed.map((c: { file: string }) => c.file))].sort(), ['kubelet-node5.conf', 'node-node5.crt', 'node-node5.key']);
  const nodes = hubKubectl(fleet, join(dir, 'pki', 'cluster.local', 'admin.conf'), ['get', 'nodes', '--no-headers'], join(dir, 'kcache'));
  assert.equal(nodes.stdout.trim().split('\n').filter((l) => /\sReady\s/.test(l)).length, 5, nodes.stdout);
});

test('when the VIP holder\'s apiserver stops, the VIP moves and kubectl through it keeps working', async () => {
  const holder = (): string | undefined => CP.find((h) => fleet.exec(h, 'ip -o -4 addr show eth0').stdout.includes(`${VIP}/`));
  const was = holder();
  assert.ok(was, 'someone holds the VIP');
  assert.equal(fleet.exec(was!, 'systemctl stop kube-apiserver').rc, 0);
  try {
    const t0 = Date.now();
    let now = holder();
    while ((now === was || now === undefined) && Date.now() - t0 < 30_000) {
      await sleep(250);
      now = holder();
    }
    assert.ok(now && now !== was, `the VIP stayed on ${was}`);
    console.log(`# VIP moved from ${was} to ${now} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const nodes = hubKubectl(fleet, join(dir, 'pki', 'cluster.local', 'admin.conf'), ['get', 'nodes', '--no-headers'], join(dir, 'kcache'));
    assert.equal(nodes.rc, 0, nodes.stderr);
    assert.equal(nodes.stdout.trim().split('\n').length, 5);
    const status = await hubDrover(fleet, ['cluster', 'status', '-i', inventory('cluster', { nodes: [...NODES, 'node5'] })]);
    assert.equal(status.code, 2, 'the stopped apiserver makes status red');
    assert.match(status.stdout, new RegExp(`✗ apiserver ${was}`));
    assert.match(status.stdout, new RegExp(`✓ vip ${VIP.replace(/\./g, '\\.')}\\s+held by ${now}, /healthz ok`));
  } finally {
    fleet.exec(was!, 'systemctl start kube-apiserver');
  }
});
