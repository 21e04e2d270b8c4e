// What a cluster's PKI holds, in kubeadm's layout and with the identities RBAC expects
// (fact sheet §6): a pure function from the cluster's shape to certificate specs, so the
// plan is testable without openssl and printable before anything is written.
import { isIP } from 'node:net';

/** One host of the cluster: its inventory name and the address it is reached on. */
export interface PkiHost {
  name: string;
  ip: string;
}

/** The cluster facts the certificates depend on. */
export interface PkiInput {
  clusterName: string;
  controlPlane: PkiHost[];
  nodes: PkiHost[];
  /** etcd members: their own CA under etcd/, in the layout playbooks/etcd/deploy.yml takes. */
  etcd?: PkiHost[];
  /** The keepalived VIP in front of the apiservers; every kubeconfig points at it. */
  apiserverVip?: string;
  /** Service CIDR: its first address is the `kubernetes` Service, so it must be in the apiserver's SANs. */
  serviceCidr: string;
  clusterDomain: string;
  /** More names or addresses for the apiserver certificate (a load balancer's DNS name, say). */
  extraApiserverSans?: string[];
}

export type Signer = 'ca' | 'front-proxy-ca' | 'etcd/ca';

/** A certificate to issue: the file stem under the PKI directory and what it must say. */
export interface CertSpec {
  file: string;
  cn: string;
  org: string[];
  dns: string[];
  ips: string[];
  server: boolean;
  client: boolean;
  signer: Signer;
}

/** The first usable address of an IPv4 CIDR (10.0.0.0/24 -> 10.0.0.1), as the apiserver picks it for `kubernetes`. */
export function firstServiceIp(cidr: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`service CIDR '${cidr}' is not an IPv4 CIDR like 10.0.0.0/24`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 1 || bits > 30) throw new Error(`service CIDR '${cidr}' is not a usable IPv4 range`);
  const base = octets.reduce((a, o) => a * 256 + o, 0);
  const network = base - (base % 2 ** (32 - bits));
  const first = network + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.');
}

const uniq = (xs: string[]): string[] => [...new Set(xs)];

function split(names: string[]): { dns: string[]; ips: string[] } {
  return { dns: uniq(names.filter((n) => !isIP(n))), ips: uniq(names.filter((n) => isIP(n))) };
}

/** The node identity Kubernetes' Node authorizer expects: lower-case, as the kubelet registers. */
export function nodeUser(name: string): string {
  return `system:node:${name.toLowerCase()}`;
}

/** Every leaf certificate of the cluster, control plane first, then one per node. */
export function clusterCertSpecs(input: PkiInput): CertSpec[] {
  const d = input.clusterDomain;
  const apiNames = [
    ...input.controlPlane.flatMap((h) => [h.name, h.ip]),
    ...(input.apiserverVip ? [input.apiserverVip] : []),
    firstServiceIp(input.serviceCidr),
    '127.0.0.1',
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${d}`,
    ...(input.extraApiserverSans ?? []),
  ];
  const client = (file: string, cn: string, org: string[] = [], signer: Signer = 'ca'): CertSpec => ({ file, cn, org, dns: [], ips: [], server: false, client: true, signer });
  const specs: CertSpec[] = [
    { file: 'apiserver', cn: 'kube-apiserver', org: [], ...split(apiNames), server: true, client: false, signer: 'ca' },
    client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']),
    client('front-proxy-client', 'front-proxy-client', [], 'front-proxy-ca'),
    client('admin', 'kubernetes-admin', ['system:masters']),
    client('kube-controller-manager', 'system:kube-controller-manager'),
    client('kube-scheduler', 'system:kube-scheduler'),
    client('kube-proxy', 'system:kube-proxy'),
  ];
  const seen = new Set<string>();
  for (const h of [...input.controlPlane, ...input.nodes]) {
    if (seen.has(h.name)) continue; // a control-plane host that is also a node gets one kubelet identity
    seen.add(h.name);
    // The kubelet's one certificate: its client identity towards the apiserver and its serving certificate on 10250.
    specs.push({ file: `node-${h.name}`, cn: nodeUser(h.name), org: ['system:nodes'], ...split([h.name, h.ip]), server: true, client: true, signer: 'ca' });
  }
  for (const m of input.etcd ?? []) {
    specs.push({ file: `etcd/${m.name}`, cn: m.name, org: [], ...split([m.name, m.ip, '127.0.0.1', 'localhost']), server: true, client: true, signer: 'etcd/ca' });
  }
  // The apiservers' (and etcdctl's) identity towards etcd.
  if (input.etcd?.length) specs.push(client('etcd/client', 'kube-apiserver-etcd-client', [], 'etcd/ca'));
  return specs;
}
