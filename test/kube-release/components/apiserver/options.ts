// The apiserver's flags resolved per version, as the real 1.5/1.6 option code resolves them:
// an empty --storage-backend means etcd2 on 1.5 and etcd3 on 1.6; --storage-media-type
// defaults to JSON on 1.5 and protobuf on 1.6 (and JSON under etcd2); anonymous auth is
// switched off with the AlwaysAllow authorizer; the `kubernetes` Service gets the first IP
// of --service-cluster-ip-range.
import { networkInterfaces } from 'node:os';
import type { ParsedFlags } from '../../runtime/flags.js';
import { parseMediaType, type MediaType } from './storage-codec.js';

/** Everything main needs, checked. */
export interface ApiserverOptions {
  minor: number;
  etcdServers: string[];
  etcdPrefix: string;
  etcdCaFile: string;
  etcdCertFile: string;
  etcdKeyFile: string;
  backend: 'etcd2' | 'etcd3';
  media: MediaType;
  bindAddress: string;
  securePort: number;
  tlsCertFile: string;
  tlsKeyFile: string;
  clientCaFile: string;
  insecureBindAddress: string;
  insecurePort: number;
  serviceIp: string;
  serviceCidr: string;
  advertiseAddress: string;
  anonymous: boolean;
  authorizationMode: string;
  apiserverCount: number;
  warnings: string[];
}

/** The first usable IP of an IPv4 CIDR (network address + 1), as the real allocator hands to `kubernetes`. */
export function firstServiceIp(cidr: string): string {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const parts = (ip ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255)) || !(bits >= 0 && bits <= 30)) throw new Error(`invalid --service-cluster-ip-range ${JSON.stringify(cidr)}`);
  const n = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const first = ((n & mask) >>> 0) + 1;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.');
}

/** The first non-loopback IPv4 address of this host (the real one takes the default route's). */
function hostAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '';
}

/** Resolve and check the flags of one apiserver version; throws with the real binaries' wording where known. */
export function resolveOptions(flags: ParsedFlags, version: string): ApiserverOptions {
  const minor = Number(/^v\d+\.(\d+)/.exec(version)?.[1] ?? 6);
  const s = (name: string, dflt = ''): string => (flags.has(name) ? flags.string(name) : dflt);
  const warnings: string[] = [];
  const etcdServers = flags.has('etcd-servers') ? flags.list('etcd-servers') : [];
  if (!etcdServers.length) throw new Error('--etcd-servers must be specified');
  const backendText = s('storage-backend') || (minor >= 6 ? 'etcd3' : 'etcd2');
  if (backendText !== 'etcd2' && backendText !== 'etcd3') throw new Error(`unknown storage type: ${backendText}`);
  const backend = backendText;
  const mediaSet = flags.has('storage-media-type') && flags.isSet('storage-media-type');
  const mediaText = mediaSet ? flags.string('storage-media-type') : backend === 'etcd2' ? 'application/json' : s('storage-media-type', minor >= 6 ? 'application/vnd.kubernetes.protobuf' : 'application/json');
  const media = parseMediaType(mediaText);
  if (media === 'protobuf' && minor < 6) throw new Error('--storage-media-type=application/vnd.kubernetes.protobuf: this 1.5 stand-in refuses to decode protobuf values (as the fact sheet says of 1.5 meeting 1.6 data), so it will not write them either; use application/json');
  const authorizationMode = s('authorization-mode', 'AlwaysAllow');
  let anonymous = flags.has('anonymous-auth') ? flags.bool('anonymous-auth') : minor >= 6;
  if (anonymous && authorizationMode.split(',').includes('AlwaysAllow')) {
    warnings.push('AnonymousAuth is not allowed with the AllowAll authorizer. Resetting AnonymousAuth to false. You should use a different authorizer');
    anonymous = false;
  }
  const serviceCidr = s('service-cluster-ip-range') || '10.0.0.0/24';
  if (!s('service-cluster-ip-range')) warnings.push(`Network range for service cluster IPs is unspecified. Defaulting to ${serviceCidr}.`);
  const bindAddress = s('bind-address', '0.0.0.0');
  const advertise = s('advertise-address') || (bindAddress !== '0.0.0.0' ? bindAddress : hostAddress());
  if (!advertise) throw new Error('Unable to find suitable network address. Set --advertise-address or --bind-address to a non-0.0.0.0 address');
  return {
    minor,
    etcdServers,
    etcdPrefix: s('etcd-prefix', '/registry'),
    etcdCaFile: s('etcd-cafile'),
    etcdCertFile: s('etcd-certfile'),
    etcdKeyFile: s('etcd-keyfile'),
    backend,
    media,
    bindAddress,
    securePort: flags.has('secure-port') ? flags.int('secure-port') : 6443,
    tlsCertFile: s('tls-cert-file'),
    tlsKeyFile: s('tls-private-key-file'),
    clientCaFile: s('client-ca-file'),
    insecureBindAddress: s('insecure-bind-address', '127.0.0.1'),
    insecurePort: flags.has('insecure-port') ? flags.int('insecure-port') : 8080,
    serviceIp: firstServiceIp(serviceCidr),
    serviceCidr,
    advertiseAddress: advertise,
    anonymous,
    authorizationMode,
    apiserverCount: flags.has('apiserver-count') ? flags.int('apiserver-count') : 1,
    warnings,
  };
}
