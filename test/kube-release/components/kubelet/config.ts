// The kubelet's settings, read once from its version's flags: which naming and cgroup layout
// it uses, where it registers, what it binds. 1.5 and 1.6 differ in defaults and names
// (fact sheet §1-2); the patched 1.6 build differs only in how it treats 1.5 containers.
import { hostname } from 'node:os';
import type { ParsedFlags } from '../../runtime/flags.js';
import { PATCHED_SUFFIX } from '../../runtime/entry.js';
import type { CgroupConfig } from './cgroups.js';

/** Everything the kubelet decides from its command line and build. */
export interface KubeletConfig {
  /** as the Node reports it (the patched build's carries its suffix) */
  version: string;
  minor: '1.5' | '1.6';
  patched: boolean;
  /** CRI (dockershim) naming and labels; otherwise the dockertools legacy path. */
  cri: boolean;
  cgroups: CgroupConfig;
  nodeName: string;
  kubeconfig: string;
  requireKubeconfig: boolean;
  apiServers: string[];
  registerNode: boolean;
  nodeLabels: Record<string, string>;
  taints: { key: string; value: string; effect: string }[];
  nodeIp: string;
  dockerEndpoint: string;
  infraImage: string;
  healthz: { host: string; port: number };
  server: { host: string; port: number };
  readOnlyPort: number;
  statusEveryMs: number;
  tlsCertFile: string;
  tlsKeyFile: string;
  certDir: string;
  networkPlugin: string;
  cniConfDir: string;
}

const get = (f: ParsedFlags, name: string, fallback = ''): string => (f.has(name) ? f.string(name) : fallback);
const getBool = (f: ParsedFlags, name: string, fallback: boolean): boolean => (f.has(name) ? f.bool(name) : fallback);
const getInt = (f: ParsedFlags, name: string, fallback: number): number => (f.has(name) ? Number(f.string(name)) : fallback);

/** `key=value:Effect` entries of --register-with-taints. */
function parseTaints(list: string[]): KubeletConfig['taints'] {
  return list.map((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t.trim());
    if (!m) throw new Error(`invalid taint spec: ${t}`);
    return { key: m[1]!, value: m[2] ?? '', effect: m[3]! };
  });
}

/** Read the kubelet's configuration from its parsed flags (the table of its own minor). */
export function kubeletConfig(flags: ParsedFlags, ctx: { version: string; patched: boolean }): KubeletConfig {
  const minor = /^v?1\.5\./.test(ctx.version) ? '1.5' : '1.6';
  // 1.5: --experimental-cri (false); 1.6: --enable-cri (true), --experimental-cri its alias
  const cri = minor === '1.5' ? getBool(flags, 'experimental-cri', false) : getBool(flags, 'enable-cri', true);
  const perQos = minor === '1.5' ? getBool(flags, 'experimental-cgroups-per-qos', false) : getBool(flags, 'cgroups-per-qos', true);
  const driver = get(flags, 'cgroup-driver', 'cgroupfs');
  if (driver !== 'cgroupfs' && driver !== 'systemd') throw new Error(`invalid cgroup driver ${JSON.stringify(driver)}: cgroupfs or systemd`);
  const name = (get(flags, 'hostname-override') || hostname()).toLowerCase();
  const labels = flags.has('node-labels') ? flags.map('node-labels') : {};
  const taints = flags.has('register-with-taints') ? parseTaints(flags.string('register-with-taints').split(',').filter((t) => t.trim())) : [];
  const statusEvery = flags.has('node-status-update-frequency') ? flags.durationMs('node-status-update-frequency') : 10_000;
  return {
    version: `${ctx.version}${ctx.patched ? PATCHED_SUFFIX : ''}`,
    minor,
    patched: ctx.patched,
    cri,
    cgroups: { era: minor, perQos, root: get(flags, 'cgroup-root', minor === '1.5' ? '' : '/'), driver },
    nodeName: name,
    kubeconfig: get(flags, 'kubeconfig', '/var/lib/kubelet/kubeconfig'),
    requireKubeconfig: getBool(flags, 'require-kubeconfig', false),
    apiServers: flags.has('api-servers') ? flags.list('api-servers') : [],
    registerNode: getBool(flags, 'register-node', true),
    nodeLabels: labels,
    taints,
    nodeIp: get(flags, 'node-ip'),
    dockerEndpoint: get(flags, 'docker-endpoint', 'unix:///var/run/docker.sock'),
    infraImage: get(flags, 'pod-infra-container-image', 'gcr.io/google_containers/pause-amd64:3.0'),
    healthz: { host: get(flags, 'healthz-bind-address', '127.0.0.1'), port: getInt(flags, 'healthz-port', 10248) },
    server: { host: get(flags, 'address', '0.0.0.0'), port: getInt(flags, 'port', 10250) },
    readOnlyPort: getInt(flags, 'read-only-port', 10255),
    statusEveryMs: statusEvery,
    tlsCertFile: get(flags, 'tls-cert-file'),
    tlsKeyFile: get(flags, 'tls-private-key-file'),
    certDir: get(flags, 'cert-dir', '/var/run/kubernetes'),
    networkPlugin: get(flags, 'network-plugin'),
    cniConfDir: get(flags, 'cni-conf-dir', '/etc/cni/net.d'),
  };
}
