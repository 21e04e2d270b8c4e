// Shared by the maintenance tests: a deployed cluster-world cluster with pods running, what
// dockerd says about each node's containers, and the unit stops/starts the hosts' systemctl
// logged (/var/log/systemctl.log, which the daemonless systemctl appends to once it exists).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { buildRelease } from '../../kube-release/build.js';
import { hubDrover, hubKubectl, writeClusterInventory } from './cluster-harness.js';

export interface World {
  fleet: Fleet;
  dir: string;
  inventory: string;
  kubeconfig: string;
  kubectl(args: string[]): { rc: number; stdout: string; stderr: string };
}

/** Build v1.5.8, start a netns fleet, deploy 3 control-plane hosts + nodes, run `pods` pods. */
export async function deployedWorld(name: string, subnet: number, nodes: string[], pods: number): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const releases = join(dir, 'releases');
  await buildRelease({ version: 'v1.5.8', outDir: join(releases, 'v1.5.8') });
  const cp = ['cp1', 'cp2', 'cp3'];
  const fleet = await startFleet({ hosts: cp.length + nodes.length, subnet, network: 'netns', hostNames: [...cp, ...nodes], name });
  const inventory = writeClusterInventory(fleet, dir, 'cluster', { controlPlane: cp, nodes, vars: { kube_version: 'v1.5.8', kube_release_dir: releases, apiserver_vip: `10.${100 + subnet}.0.250` } });
  const world: World = { fleet, dir, inventory, kubeconfig: join(dir, 'pki', 'cluster.local', 'admin.conf'), kubectl: (args) => hubKubectl(fleet, world.kubeconfig, args, join(dir, 'kcache')) };
  try {
    const deploy = await hubDrover(fleet, ['cluster', 'deploy', '-i', inventory]);
    assert.equal(deploy.code, 0, deploy.stdout.slice(-3000) + deploy.stderr);
    for (let i = 1; i <= pods; i++) {
      const file = join(dir, `pod${i}.json`);
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100000'] }] } }));
      const r = world.kubectl(['create', '--validate=false', '-f', file]);
      assert.equal(r.rc, 0, r.stderr);
    }
    const t0 = Date.now();
    // 60 s, or 2 s a pod for a bench's larger world
    while (runningPods(world).length < pods && Date.now() - t0 < Math.max(60_000, pods * 2000)) await sleep(1000);
    assert.equal(runningPods(world).length, pods, world.kubectl(['get', 'pods', '-o', 'wide']).stdout);
    // from now on every host's systemctl logs each command with a timestamp
    for (const h of fleet.hosts) fleet.exec(h.name, 'touch /var/log/systemctl.log');
    return world;
  } catch (err) {
    await fleet.stop();
    throw err;
  }
}

/** Pods in phase Running: name, uid, node. */
export function runningPods(world: World): { name: string; uid: string; node: string }[] {
  const r = world.kubectl(['get', 'pods', '-o', 'json']);
  if (r.rc !== 0) return [];
  return (JSON.parse(r.stdout).items as { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase?: string } }[]).filter((p) => p.status.phase === 'Running').map((p) => ({ name: p.metadata.name, uid: p.metadata.uid, node: p.spec.nodeName ?? '' }));
}

/** Every running container on a node as dockerd reports it: id → start time and pid. */
export function containersOn(fleet: Fleet, node: string): Map<string, { startedAt: string; pid: number; running: boolean }> {
  const sock = "curl -sf --unix-socket /var/run/docker.sock 'http://docker";
  const ids = (JSON.parse(fleet.exec(node, `${sock}/containers/json'`).stdout) as { Id: string }[]).map((c) => c.Id);
  const out = new Map<string, { startedAt: string; pid: number; running: boolean }>();
  for (const id of ids) {
    const c = JSON.parse(fleet.exec(node, `${sock}/containers/${id}/json'`).stdout) as { State: { StartedAt: string; Pid: number; Running: boolean } };
    out.set(id, { startedAt: c.State.StartedAt, pid: c.State.Pid, running: c.State.Running });
  }
  return out;
}

/** Unit stops and starts the hosts logged, in time order, from `since` on. */
export function unitActions(fleet: Fleet, since = 0): { at: number; host: string; action: string; unit: string }[] {
  const out: { at: number; host: string; action: string; unit: string }[] = [];
  for (const h of fleet.hosts) {
    const log = fleet.exec(h.name, 'cat /var/log/systemctl.log 2>/dev/null').stdout;
    for (const m of log.matchAll(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) INFO EXEC BEGIN \S+ (stop|start|restart) (\S+)/gm)) {
      const at = Date.parse(`${m[1]!.replace(' ', 'T')}.${m[2]}Z`);
      if (at >= since) out.push({ at, host: h.name, action: m[3]!, unit: m[4]!.replace(/\.service$/, '') });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

const STAGE_OF: Record<string, string> = { 'kube-entrance': 'entrances', 'kube-apiserver': 'apiservers', 'kube-controller-manager': 'control-plane', 'kube-scheduler': 'control-plane', kubelet: 'nodes', 'kube-proxy': 'nodes', etcd: 'etcd' };

/** The stages in the order the hosts' logs show them (consecutive repeats folded). */
export function stageSequence(actions: { action: string; unit: string }[], action: string): string[] {
  const seq: string[] = [];
  for (const a of actions.filter((x) => x.action === action && STAGE_OF[x.unit])) if (seq.at(-1) !== STAGE_OF[a.unit]) seq.push(STAGE_OF[a.unit]!);
  return seq;
}
