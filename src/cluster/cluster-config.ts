// The cluster an inventory describes, in kubespray's group names (the old dashed names are
// mapped as kubespray's dynamic_groups role does), with every cluster var's default in one
// table so `--help`, the README and the checks read the same source.
import { isIPv4 } from 'node:net';
import type { Inventory } from '../inventory/types.js';
import { firstServiceIp, type PkiHost } from './pki/cert-specs.js';

/** A cluster var: its default and what it means (the README's table is checked against this). */
export interface ClusterVar {
  name: string;
  default: string | number | undefined;
  description: string;
}

export const CLUSTER_VARS: ClusterVar[] = [
  { name: 'kube_version', default: 'v1.5.8', description: 'release to deploy (v1.5.x or v1.6.x); its binaries must be in kube_release_dir' },
  { name: 'kube_release_dir', default: './releases', description: 'controller directory holding one sub-directory of binaries per version (./releases/v1.5.8/kubelet ...)' },
  { name: 'apiserver_vip', default: undefined, description: 'keepalived VIP in front of the apiservers; every kubeconfig points at it (unset: the first control-plane host)' },
  { name: 'apiserver_vip_interface', default: 'eth0', description: 'interface keepalived puts the VIP on' },
  { name: 'vrrp_router_id', default: 51, description: 'VRRP virtual_router_id (1-255), unique per L2 segment' },
  { name: 'kube_service_addresses', default: '10.233.0.0/18', description: 'service CIDR; its first address is the kubernetes Service' },
  { name: 'kube_pods_subnet', default: '10.233.64.0/18', description: 'pod CIDR (controller-manager --cluster-cidr)' },
  { name: 'cluster_name', default: 'cluster.local', description: 'name of the cluster in kubeconfigs' },
  { name: 'dns_domain', default: 'cluster.local', description: 'cluster DNS domain (kubelet --cluster-domain, apiserver SAN)' },
  { name: 'skydns_server', default: undefined, description: 'cluster DNS address (kubelet --cluster-dns); default the third address of the service CIDR' },
  { name: 'kubelet_extra_args', default: '', description: 'extra kubelet flags, appended verbatim to the unit\'s command line' },
  { name: 'cert_renew_days', default: 30, description: 're-issue a certificate that expires within this many days' },
];

const ALIASES: Record<string, string> = { 'kube-master': 'kube_control_plane', 'kube-node': 'kube_node', 'k8s-cluster': 'k8s_cluster' };

/** Old kubespray group names the inventory uses (the deploy playbook needs the new ones). */
export function oldGroupNames(inv: Inventory): { old: string; now: string }[] {
  return Object.entries(ALIASES).filter(([old, now]) => inv.groups.has(old) && !inv.groups.has(now)).map(([old, now]) => ({ old, now }));
}

export interface ClusterConfig {
  kubeVersion: string;
  minor: '1.5' | '1.6';
  releaseDir: string;
  apiserverVip?: string;
  vipInterface: string;
  vrrpRouterId: number;
  serviceCidr: string;
  podCidr: string;
  clusterName: string;
  clusterDomain: string;
  dnsIp: string;
  kubeletExtraArgs: string;
  certRenewDays: number;
  etcd: PkiHost[];
  controlPlane: PkiHost[];
  nodes: PkiHost[];
}

/** One problem with the inventory, naming the file and the group or var. */
export interface ClusterConfigError {
  file: string;
  field: string;
  message: string;
}

const ipv4ToInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const intToIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

function cidrRange(cidr: string): [number, number] | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m || !isIPv4(m[1]!) || Number(m[2]) < 8 || Number(m[2]) > 30) return undefined;
  const size = 2 ** (32 - Number(m[2]));
  const start = ipv4ToInt(m[1]!) - (ipv4ToInt(m[1]!) % size);
  return [start, start + size - 1];
}

/** Hosts of a group (or its old kubespray name), as name + address. */
function groupHosts(inv: Inventory, group: string): PkiHost[] | undefined {
  const name = [group, ...Object.entries(ALIASES).filter(([, v]) => v === group).map(([k]) => k)].find((g) => inv.groups.has(g));
  if (!name) return undefined;
  return inv.select(name).map((h) => ({ name: h, ip: String(inv.hostVars(h).ansible_host ?? h) }));
}

/** Read and check the cluster an inventory (with -e on top) describes; every problem is returned, nothing is half-read. */
export function readClusterConfig(inv: Inventory, extraVars: Record<string, unknown> = {}): { config?: ClusterConfig; errors: ClusterConfigError[] } {
  const file = inv.sources.join(', ') || '(inventory)';
  const errors: ClusterConfigError[] = [];
  const fail = (field: string, message: string): void => void errors.push({ file, field, message });
  const etcd = groupHosts(inv, 'etcd');
  const controlPlane = groupHosts(inv, 'kube_control_plane');
  const nodes = groupHosts(inv, 'kube_node');
  if (!etcd?.length) fail('etcd', 'group etcd is missing or empty');
  else if (etcd.length % 2 === 0) fail('etcd', `group etcd has ${etcd.length} members: an even count tolerates no more failures than one fewer and risks a split vote; use an odd count`);
  if (!controlPlane?.length) fail('kube_control_plane', 'group kube_control_plane (old name kube-master) is missing or empty');
  if (!nodes?.length) fail('kube_node', 'group kube_node (old name kube-node) is missing or empty');
  // Cluster-wide vars are read from the first control-plane host, so group_vars/all and group_vars/k8s_cluster both apply.
  const anchor = controlPlane?.[0]?.name ?? inv.hosts.keys().next().value;
  const vars = { ...(anchor ? inv.hostVars(anchor) : {}), ...extraVars };
  const v = (name: string): unknown => vars[name] ?? CLUSTER_VARS.find((c) => c.name === name)!.default;
  const str = (name: string): string => String(v(name) ?? '');

  const kubeVersion = str('kube_version');
  const m = /^v1\.(5|6)\.\d+$/.exec(kubeVersion);
  if (!m) fail('kube_version', `'${kubeVersion}' is not a release Drover deploys (v1.5.x or v1.6.x)`);
  const serviceCidr = str('kube_service_addresses');
  const podCidr = str('kube_pods_subnet');
  const svc = cidrRange(serviceCidr);
  const pod = cidrRange(podCidr);
  if (!svc) fail('kube_service_addresses', `'${serviceCidr}' is not an IPv4 CIDR between /8 and /30`);
  if (!pod) fail('kube_pods_subnet', `'${podCidr}' is not an IPv4 CIDR between /8 and /30`);
  if (svc && pod && svc[0] <= pod[1] && pod[0] <= svc[1]) fail('kube_pods_subnet', `'${podCidr}' overlaps the service CIDR '${serviceCidr}'`);
  const vip = vars.apiserver_vip === undefined ? undefined : String(vars.apiserver_vip);
  const hostIps = new Set([...(etcd ?? []), ...(controlPlane ?? []), ...(nodes ?? [])].map((h) => h.ip));
  if (vip !== undefined && !isIPv4(vip)) fail('apiserver_vip', `'${vip}' is not an IPv4 address`);
  else if (vip !== undefined && hostIps.has(vip)) fail('apiserver_vip', `'${vip}' is a host's own address; the VIP must be a free address that keepalived moves`);
  const routerId = Number(v('vrrp_router_id'));
  if (!Number.isInteger(routerId) || routerId < 1 || routerId > 255) fail('vrrp_router_id', `'${String(v('vrrp_router_id'))}' is not an integer from 1 to 255`);
  const renew = Number(v('cert_renew_days'));
  if (!Number.isInteger(renew) || renew < 1) fail('cert_renew_days', `'${String(v('cert_renew_days'))}' is not a positive integer`);
  let dnsIp = vars.skydns_server === undefined ? '' : String(vars.skydns_server);
  if (svc && !dnsIp) dnsIp = intToIpv4(svc[0] + 3);
  if (svc && dnsIp && (!isIPv4(dnsIp) || ipv4ToInt(dnsIp) < svc[0] || ipv4ToInt(dnsIp) > svc[1])) fail('skydns_server', `'${dnsIp}' is not an address inside the service CIDR '${serviceCidr}'`);
  if (svc && dnsIp === firstServiceIp(serviceCidr)) fail('skydns_server', `'${dnsIp}' is the kubernetes Service's address`);
  if (errors.length) return { errors };
  return {
    errors,
    config: {
      kubeVersion,
      minor: m![1] === '5' ? '1.5' : '1.6',
      releaseDir: str('kube_release_dir'),
      apiserverVip: vip,
      vipInterface: str('apiserver_vip_interface'),
      vrrpRouterId: routerId,
      serviceCidr,
      podCidr,
      clusterName: str('cluster_name'),
      clusterDomain: str('dns_domain'),
      dnsIp,
      kubeletExtraArgs: str('kubelet_extra_args'),
      certRenewDays: renew,
      etcd: etcd!,
      controlPlane: controlPlane!,
      nodes: nodes!,
    },
  };
}
