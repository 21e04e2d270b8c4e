// Shared by the cluster deploy tests: drover and kubectl run in the fleet's hub network (where
// the hosts' addresses and the VIP are reachable), and a kubespray-style inventory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../fleet/fleet.js';
import { BIN, type CliResult } from '../../helpers/cli.js';

/** Run `drover ARGS` in the hub network; resolves with its output (never rejects on exit codes). */
export function hubDrover(fleet: Fleet, args: string[], opts: { timeoutMs?: number; onOutput?: (text: string, kill: (signal?: NodeJS.Signals) => void) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = fleet.hubSpawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // SIGKILL unless told (SIGINT/SIGTERM: the interrupt tests)
    const kill = (signal: NodeJS.Signals = 'SIGKILL'): void => void child.kill(signal);
    child.stdout!.on('data', (d) => {
      stdout += d;
      opts.onOutput?.(stdout, kill);
    });
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => kill(), opts.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr });
    });
  });
}

/** The real kubectl in the hub network with a kubeconfig; a private discovery cache. */
export function hubKubectl(fleet: Fleet, kubeconfig: string, args: string[], cacheDir: string): { rc: number; stdout: string; stderr: string } {
  mkdirSync(cacheDir, { recursive: true });
  const r = fleet.hubExec('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=10s', ...args], { env: { ...process.env, KUBECACHEDIR: cacheDir } });
  return { rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface ClusterLayout {
  controlPlane: string[];
  etcd?: string[];
  nodes: string[];
  vars: Record<string, unknown>;
}

/** Write a kubespray-layout inventory for fleet hosts; returns its path. */
export function writeClusterInventory(fleet: Fleet, dir: string, name: string, layout: ClusterLayout): string {
  const ip = (h: string): string => fleet.hosts.find((x) => x.name === h)!.ip;
  const group = (hosts: string[]): string => hosts.map((h) => `        ${h}: {ansible_host: ${ip(h)}}`).join('\n');
  const vars = { ansible_user: 'root', ansible_ssh_private_key_file: fleet.keyPath, drover_ssh_known_hosts: fleet.knownHostsPath, ...layout.vars };
  const path = join(dir, `${name}.yml`);
  writeFileSync(
    path,
    `all:\n  vars: ${JSON.stringify(vars)}\n  children:\n    etcd:\n      hosts:\n${group(layout.etcd ?? layout.controlPlane)}\n    kube_control_plane:\n      hosts:\n${group(layout.controlPlane)}\n    kube_node:\n      hosts:\n${group(layout.nodes)}\n    k8s_cluster:\n      children: {kube_control_plane: , kube_node: }\n`,
  );
  return path;
}
