// `drover cluster deploy`'s preflight: everything that can be known before a host is changed.
// Local checks (the release binaries and their --version), a probe of the VIP from the
// controller, and read-only looks at the hosts (who holds the VIP, which ports are taken).
// A problem found here means exit 5 and nothing touched.
import { accessSync, constants, existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ClusterConfig } from './cluster-config.js';

/** One reason the deploy cannot start. */
export interface PreflightProblem {
  check: string;
  subject?: string;
  message: string;
}

/** Binaries each kind of host runs, from the release directory of kube_version. */
export const CONTROL_PLANE_BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'];
export const NODE_BINARIES = ['kubelet', 'kube-proxy', 'dockerd'];

/** Every binary is present, executable, and a Kubernetes binary says it is kube_version (a patched build may add a suffix). */
export async function checkRelease(config: ClusterConfig, releaseDir: string): Promise<PreflightProblem[]> {
  const dir = join(releaseDir, config.kubeVersion);
  if (!existsSync(dir)) return [{ check: 'release', subject: dir, message: `no release directory for ${config.kubeVersion} (kube_release_dir holds one directory per version)` }];
  const problems: PreflightProblem[] = [];
  await Promise.all(
    [...CONTROL_PLANE_BINARIES, ...NODE_BINARIES].map(async (bin) => {
      const path = join(dir, bin);
      try {
        accessSync(path, constants.X_OK);
      } catch {
        problems.push({ check: 'release', subject: path, message: existsSync(path) ? 'is not executable' : 'is missing' });
        return;
      }
      // kubectl is the operator's client and dockerd the runtime: their versions are their own
      if (bin === 'kubectl' || bin === 'dockerd') return;
      const res = await execa(path, ['--version'], { reject: false, timeout: 20_000 });
      const line = String(res.stdout).trim();
      const want = `Kubernetes ${config.kubeVersion}`;
      if (res.exitCode !== 0 || !(line === want || line.startsWith(`${want}-`))) problems.push({ check: 'release', subject: path, message: `--version says '${line || String(res.stderr).trim().split('\n')[0]}', wanted '${want}'` });
    }),
  );
  return problems.sort((a, b) => (a.subject ?? '').localeCompare(b.subject ?? ''));
}

/** Whether anything answers at addr:port within timeoutMs: a connection or a refusal both mean the address is taken. */
export function addressAnswers(addr: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (answered: boolean): void => {
      s.destroy();
      resolve(answered);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
    s.connect(port, addr);
  });
}

/** Ports a host of each kind needs, and the unit that may already hold each (a rerun). */
export const CONTROL_PLANE_PORTS: Record<number, string> = { 6443: 'kube-apiserver', 8080: 'kube-apiserver', 10251: 'kube-scheduler', 10252: 'kube-controller-manager' };
export const ETCD_PORTS: Record<number, string> = { 2379: 'etcd', 2380: 'etcd' };
export const NODE_PORTS: Record<number, string> = { 10248: 'kubelet', 10250: 'kubelet', 10255: 'kubelet', 10249: 'kube-proxy' };

/** The read-only shell command that reports, per needed port in use, the state of the unit that should hold it; and the host's IPv4 addresses. */
export function hostProbeCommand(ports: Record<number, string>): string {
  const checks = Object.entries(ports)
    .map(([port, unit]) => `if ss -Hltn 'sport = :${port}' | grep -q .; then echo "port ${port} ${unit} $(systemctl is-active ${unit} 2>/dev/null | head -n1)"; fi`)
    .join('; ');
  return `${checks}; ip -o -4 addr show | awk '{print "addr", $4}'`;
}

/** What one host's probe output says: ports taken by something other than our (active) unit, and its addresses. */
export function readHostProbe(host: string, stdout: string): { problems: PreflightProblem[]; addresses: string[] } {
  const problems: PreflightProblem[] = [];
  const addresses: string[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'addr' && f[1]) addresses.push(f[1].split('/')[0]!);
    if (f[0] === 'port' && f[3] !== 'active') problems.push({ check: 'ports', subject: host, message: `port ${f[1]} is in use, and not by an active ${f[2]} unit` });
  }
  return { problems, addresses };
}

/** Read-only: the media type the installed kube-apiserver unit stores with, as `storage TYPE` lines (none when there is no unit). */
export const STORAGE_PROBE = `grep -o -- '--storage-media-type=[^[:space:]"\\\\]*' /etc/systemd/system/kube-apiserver.service 2>/dev/null | sed 's/^--storage-media-type=/storage /' || true`;

/** The media type a deploy would render for this host's apiserver: the var (-e over the inventory), else JSON; undefined when it is a template. */
export function renderedStorageMedia(minor: '1.5' | '1.6', hostVar: unknown, extraVar: unknown): string | undefined {
  if (minor === '1.5') return 'application/json';
  const v = extraVar ?? hostVar;
  if (v === undefined || v === null || v === '') return 'application/json';
  return typeof v === 'string' && !v.includes('{{') && !v.includes('{%') ? v : undefined;
}

/**
 * An apiserver that already stores protobuf (the one-way `--storage-media-type` step) must not be
 * rendered back to JSON, or to a 1.5 that cannot decode it, by a rerun whose inventory forgot the step.
 */
export function checkStorageKept(host: string, probeStdout: string, rendered: string | undefined, minor: '1.5' | '1.6'): PreflightProblem[] {
  const installed = /^storage (\S+)$/m.exec(probeStdout)?.[1];
  if (!installed || !installed.includes('protobuf') || rendered === undefined || rendered === installed) return [];
  const why = minor === '1.5' ? 'a 1.5 apiserver cannot decode what is stored' : `this deploy would render --storage-media-type=${rendered}`;
  return [{ check: 'storage', subject: host, message: `kube-apiserver stores ${installed} (the one-way storage step) and ${why}: set kube_storage_media_type: ${installed} in the inventory` }];
}
