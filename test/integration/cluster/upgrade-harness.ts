// Shared by the cluster upgrade tests: a deployed v1.5.8 cluster of 3 control-plane hosts and
// 2 nodes on an own-network fleet, pods bound to each node through the real kubectl, the
// containers as the API reports them, and a probe polling kubectl through the VIP.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { buildRelease } from '../../kube-release/build.js';
import { hubDrover, hubKubectl, writeClusterInventory } from './cluster-harness.js';

export const CP = ['cp1', 'cp2', 'cp3'];
export const NODES = ['node1', 'node2'];

export interface UpgradeWorld {
  fleet: Fleet;
  dir: string;
  inv: string;
  kubeconfig: string;
  releases: string;
  vip: string;
  /** the world's worker nodes (NODES unless deployedWorld was given others) */
  nodes: string[];
  kubectl(args: string[]): { rc: number; stdout: string; stderr: string };
}

/** Build v1.5.8 and v1.6.13 (patched or stock), start the fleet, deploy v1.5.8 (nodes: NODES unless given). */
export async function deployedWorld(subnet: number, name: string, patched: boolean, nodes: string[] = NODES): Promise<UpgradeWorld> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const releases = join(dir, 'releases');
  await buildRelease({ version: 'v1.5.8', outDir: join(releases, 'v1.5.8') });
  await buildRelease({ version: 'v1.6.13', outDir: join(releases, 'v1.6.13'), patchedKubelet: patched });
  const fleet = await startFleet({ hosts: CP.length + nodes.length, subnet, network: 'netns', hostNames: [...CP, ...nodes], name });
  const vip = `10.${100 + subnet}.0.250`;
  const inv = writeClusterInventory(fleet, dir, 'cluster', { controlPlane: CP, nodes, vars: { kube_version: 'v1.5.8', kube_release_dir: releases, apiserver_vip: vip } });
  const kubeconfig = join(dir, 'pki', 'cluster.local', 'admin.conf');
  const world: UpgradeWorld = { fleet, dir, inv, kubeconfig, releases, vip, nodes, kubectl: (args) => hubKubectl(fleet, kubeconfig, args, join(dir, 'kcache')) };
  try {
    const deploy = await hubDrover(fleet, ['cluster', 'deploy', '-i', inv]);
    assert.equal(deploy.code, 0, deploy.stdout.slice(-3000) + deploy.stderr);
  } catch (err) {
    await stopWorld(world); // a failed deploy must not leave the fleet running
    throw err;
  }
  return world;
}

/** Stop the fleet, then remove the test's directory (releases, PKI, state, backups). */
export async function stopWorld(w: UpgradeWorld | undefined): Promise<void> {
  if (!w) return;
  await w.fleet.stop();
  rmSync(w.dir, { recursive: true, force: true });
}

/** `perNode` pods bound to each node (the second container only in the first pod), all running. */
export async function createPods(w: UpgradeWorld, perNode: number): Promise<void> {
  const items = w.nodes.flatMap((n) =>
    Array.from({ length: perNode }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-${n}-${i}`, namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: n, terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '100000'] }, ...(i === 0 ? [{ name: 'sidecar', image: 'busybox', command: ['sleep', '100000'] }] : [])] },
    })),
  );
  const file = join(w.dir, 'pods.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const r = w.kubectl(['create', '--validate=false', '-f', file]);
  assert.equal(r.rc, 0, r.stderr);
  const want = w.nodes.length * perNode;
  const t0 = Date.now();
  for (;;) {
    const running = Object.values(await containers(w)).filter((c) => c.id && c.startedAt).length;
    if (running === want * 1 + w.nodes.length) return;
    const limitMs = Math.max(60_000, want * 2000); // a bench's 3 + 20 world has 80 containers to start
    assert.ok(Date.now() - t0 < limitMs, `pods not running after ${limitMs / 1000} s (${running} containers running)`);
    await sleep(1000);
  }
}

/** A container as the API reports it. */
export interface SeenContainer {
  node: string;
  id: string;
  startedAt: string;
  restartCount: number;
}

/** Every container of every pod, keyed pod/container. */
export async function containers(w: UpgradeWorld): Promise<Record<string, SeenContainer>> {
  const r = w.kubectl(['get', 'pods', '-o', 'json']);
  assert.equal(r.rc, 0, r.stderr);
  const out: Record<string, SeenContainer> = {};
  for (const p of JSON.parse(r.stdout).items) {
    for (const c of p.status?.containerStatuses ?? []) out[`${p.metadata.name}/${c.name}`] = { node: p.spec.nodeName, id: c.containerID ?? '', startedAt: c.state?.running?.startedAt ?? '', restartCount: c.restartCount ?? 0 };
  }
  return out;
}

/** Node name -> [kubeletVersion, Ready, drover.io/upgrade label]. */
export function nodeStates(w: UpgradeWorld): Record<string, [string, string, string]> {
  const r = w.kubectl(['get', 'nodes', '-o', 'json']);
  assert.equal(r.rc, 0, r.stderr);
  const out: Record<string, [string, string, string]> = {};
  for (const n of JSON.parse(r.stdout).items) out[n.metadata.name] = [n.status.nodeInfo.kubeletVersion, n.status.conditions.find((c: { type: string }) => c.type === 'Ready')?.status, n.metadata.labels?.['drover.io/upgrade'] ?? ''];
  return out;
}

/** The --version each host's installed binaries report. */
export function installedVersions(w: UpgradeWorld): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of CP) out[h] = w.fleet.exec(h, '/usr/local/bin/kube-apiserver --version').stdout.trim();
  for (const h of w.nodes) out[h] = w.fleet.exec(h, '/usr/local/bin/kubelet --version').stdout.trim();
  return out;
}

/** kubectl get nodes through the VIP once a second until stopped; every failed request is kept. */
export function startProbe(w: UpgradeWorld): { stop(): Promise<{ requests: number; failures: string[] }> } {
  let running = true;
  const failures: string[] = [];
  let requests = 0;
  const cache = join(w.dir, 'probe-cache');
  mkdirSync(cache, { recursive: true });
  const loop = (async () => {
    while (running) {
      const t = new Date().toISOString();
      const res = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = w.fleet.hubSpawn('kubectl', ['--kubeconfig', w.kubeconfig, '--request-timeout=5s', 'get', 'nodes', '--no-headers'], { env: { ...process.env, KUBECACHEDIR: cache }, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr!.on('data', (d) => (err += d));
        child.on('close', (code) => resolve({ code, err }));
      });
      requests++;
      if (res.code !== 0) failures.push(`${t} ${res.err.trim().split('\n')[0]}`);
      await sleep(1000);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, failures };
    },
  };
}
