// A deployed 3-member TLS etcd cluster on the fleet for the DR drills, plus spare hosts left
// undeployed, an inventory writer and a stand-in kube-apiserver unit.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startFleet, type Fleet } from '../../fleet/fleet.js';
import { makeEtcdPki } from '../../fleet/etcd-pki.js';
import { BIN, drover, ROOT } from '../../helpers/cli.js';

export interface DrillCluster {
  fleet: Fleet;
  dir: string;
  inv: string;
  token: string;
  /** write an inventory: groups name -> host names; `vars` go under all.vars (after the fleet's connection vars) */
  writeInventory(path: string, groups: Record<string, string[]>, vars?: string): string;
  ipOf(host: string): string;
  /** etcdctl on a host against that host's own member */
  etcdctl(host: string, args: string): { rc: number; stdout: string; stderr: string };
}

/** Start `hosts` hosts on `subnet`, deploy etcd on host1-3 with cluster token `token`. */
export async function startDrillCluster(o: { name: string; subnet: number; hosts: number; token: string; deployVars?: string[] }): Promise<DrillCluster> {
  const fleet = await startFleet({ hosts: o.hosts, name: o.name, subnet: o.subnet });
  const dir = mkdtempSync(join(tmpdir(), `drover-${o.name}-`));
  makeEtcdPki(join(dir, 'pki'), fleet.hosts.map((h) => ({ name: h.name, ip: h.ip })));
  const ipOf = (host: string): string => fleet.hosts.find((h) => h.name === host)!.ip;
  const writeInventory = (path: string, groups: Record<string, string[]>, vars = ''): string => {
    const common = `ansible_user: root, ansible_ssh_private_key_file: ${fleet.keyPath}, drover_ssh_known_hosts: ${fleet.knownHostsPath}${vars ? `, ${vars}` : ''}`;
    const body = Object.entries(groups).map(([g, hs]) => `    ${g}:\n      hosts:\n${hs.map((h) => `        ${h}: {ansible_host: ${ipOf(h)}}`).join('\n')}`).join('\n');
    writeFileSync(path, `all:\n  vars: {${common}}\n  children:\n${body}\n`);
    return path;
  };
  const inv = writeInventory(join(dir, 'inv.yml'), { etcd: ['host1', 'host2', 'host3'] });
  const deploy = await drover(['play', join(ROOT, 'playbooks', 'etcd', 'deploy.yml'), '-i', inv, '-e', `etcd_pki_src=${join(dir, 'pki')}`, '-e', `cluster_token=${o.token}`, ...(o.deployVars ?? []).flatMap((v) => ['-e', v]), '--json'], { timeoutMs: 240_000 });
  if (deploy.code !== 0) {
    await fleet.stop();
    throw new Error(`deploy failed: ${deploy.stdout.slice(-2000)}${deploy.stderr}`);
  }
  return {
    fleet,
    dir,
    inv,
    token: o.token,
    writeInventory,
    ipOf,
    etcdctl: (host, args) => fleet.exec(host, `. /root/etcdctl.env && ETCDCTL_ENDPOINTS=https://${ipOf(host)}:2379 etcdctl --command-timeout=10s ${args}`),
  };
}

/** A stand-in kube-apiserver unit (a sleep) enabled and started on a host. */
export function standInApiserver(fleet: Fleet, host: string): void {
  fleet.exec(host, "printf '[Unit]\\nDescription=stand-in apiserver\\n[Service]\\nExecStart=/bin/sleep 3600\\n[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/kube-apiserver.service; systemctl daemon-reload >/dev/null 2>&1; systemctl enable kube-apiserver >/dev/null 2>&1; systemctl start kube-apiserver");
}

/** `systemctl is-active UNIT` on a host. */
export function isActive(fleet: Fleet, host: string, unit: string): string {
  return fleet.exec(host, `systemctl is-active ${unit}`).stdout.trim();
}

/** Run drover as a child, recording when each stdout/stderr line arrived (ms after spawn). */
export function droverTimed(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string; lines: { at: number; text: string }[]; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { at: number; text: string }[] = [];
    let stdout = '';
    let stderr = '';
    const take = (chunk: string): void => {
      for (const l of chunk.split('\n').filter(Boolean)) lines.push({ at: Date.now() - t0, text: l });
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      take(String(d));
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      take(String(d));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, lines, ms: Date.now() - t0 });
    });
  });
}
