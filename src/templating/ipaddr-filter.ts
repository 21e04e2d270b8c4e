// ansible.utils' ipaddr, ipv4, ipv6 and ipwrap filters (plugin_utils/base/ipaddr_utils.py on
// netaddr 0.8): the value checks, the query table and each query's result, None, False or
// the value itself, as Ansible returns them.
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { isPyFloat, isPyNumber } from './python-float.js';
import { broadcastOf, formatAddress, hostmaskOf, type IpNetwork, netmaskOf, networkOf, parseNetwork, sizeOf, width, within } from './ip-network.js';

type Query = (v: IpNetwork, vtype: string, value: unknown, iplist?: IpNetwork) => unknown;

const fmt = (v: IpNetwork, x: bigint): string => formatAddress(v.version, x);
const ip = (v: IpNetwork): string => fmt(v, v.value);
const cidrText = (v: IpNetwork): string => `${ip(v)}/${v.prefixlen}`;
/** A big count as a number when exact, else its decimal text. */
const count = (n: bigint): number | string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

function net(text: string): IpNetwork {
  return parseNetwork(text)!;
}
const PRIVATE = { 4: ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '239.0.0.0/8'], 6: ['fc00::/7', 'fec0::/10'] };
const LINK_LOCAL = { 4: '169.254.0.0/16', 6: 'fe80::/10' };
const MULTICAST = { 4: '224.0.0.0/4', 6: 'ff00::/8' };
const host = (v: IpNetwork): IpNetwork => ({ ...v, prefixlen: width(v.version) });
const isLinkLocal = (v: IpNetwork): boolean => within(v, net(LINK_LOCAL[v.version]));
const isMulticast = (v: IpNetwork): boolean => within(v, net(MULTICAST[v.version]));
const isPrivate = (v: IpNetwork): boolean => PRIVATE[v.version].some((c) => within(v, net(c))) || isLinkLocal(v);
const isLoopback = (v: IpNetwork): boolean => (v.version === 4 ? within(host(v), net('127.0.0.0/8')) : v.value === 1n);
const powerOfTwo = (n: bigint): boolean => (n & (n - 1n)) === 0n;
const maxInt = (v: IpNetwork): bigint => (1n << BigInt(width(v.version))) - 1n;

function needNetwork(vtype: string): void {
  if (vtype === 'address') throw new TemplateError('Not a network address');
}

/** netaddr's first and last usable address of a network of more than one address. */
function firstLast(v: IpNetwork): [bigint, bigint] {
  const first = networkOf(v);
  const last = first | hostmaskOf(v);
  return sizeOf(v) === 2n ? [first, last] : [first + 1n, last - 1n];
}

const addressPrefix: Query = (v) => (sizeOf(v) > 2n && (v.value === networkOf(v) || v.value === broadcastOf(v)) ? false : cidrText(v));

const QUERIES: Record<string, Query> = {
  '': (v, vtype) => (vtype === 'address' ? ip(v) : cidrText(v)),
  address: (v) => {
    if (sizeOf(v) === 1n) return ip(v);
    if (v.value !== networkOf(v) || broadcastOf(v) === undefined || v.version === 6) return ip(v);
    return null;
  },
  'address/prefix': addressPrefix,
  '6to4': (v, vtype, value) => {
    if (v.version === 4) {
      if (sizeOf(v) > 1n && v.value === networkOf(v)) return false;
      const a = host(v);
      if (QUERIES.public!(a, 'address', true) !== true && QUERIES.private!(a, 'address', true) !== true) return false;
      const o = ip(a).split('.').map((x) => Number(x).toString(16).padStart(2, '0'));
      return `2002:${o[0]}${o[1]}:${o[2]}${o[3]}::1/48`;
    }
    const in2002 = within(vtype === 'address' ? v : host(v), net('2002::/16'));
    return (vtype === 'address' || v.value !== networkOf(v)) && in2002 ? value : false;
  },
  bool: () => true,
  broadcast: (v) => (sizeOf(v) > 2n ? fmt(v, broadcastOf(v)!) : null),
  cidr: (v) => cidrText(v),
  cidr_lookup: (v, _t, value, iplist) => (iplist && within(v, iplist) ? value : null),
  first_usable: (v, vtype) => {
    needNetwork(vtype);
    if (sizeOf(v) === 2n) return fmt(v, networkOf(v));
    return sizeOf(v) > 1n ? fmt(v, networkOf(v) + 1n) : null;
  },
  host: (v) => {
    if (sizeOf(v) === 1n) return cidrText(v);
    return v.value !== networkOf(v) || broadcastOf(v) === undefined ? cidrText(v) : null;
  },
  hostmask: (v) => fmt(v, hostmaskOf(v)),
  int: (v, vtype) => (vtype === 'address' ? count(v.value) : `${v.value}/${v.prefixlen}`),
  'ip/prefix': (v) => (sizeOf(v) === 2n || (sizeOf(v) > 1n && v.value !== networkOf(v)) ? cidrText(v) : null),
  ip_netmask: (v) => (sizeOf(v) === 2n || (sizeOf(v) > 1n && v.value !== networkOf(v)) ? `${ip(v)} ${fmt(v, netmaskOf(v))}` : null),
  ipv4: (v, _t, value) => {
    if (v.version === 4) return value;
    const top = v.value >> 32n;
    if ((top !== 0xffffn && top !== 0n) || v.prefixlen < 96) return false;
    return `${formatAddress(4, v.value & 0xffffffffn)}/${v.prefixlen - 96}`;
  },
  ipv6: (v, _t, value) => (v.version === 6 ? value : `${formatAddress(6, 0xffff00000000n | v.value)}/${v.prefixlen + 96}`),
  last_usable: (v, vtype) => {
    needNetwork(vtype);
    return sizeOf(v) > 1n ? fmt(v, firstLast(v)[1]) : null;
  },
  'link-local': (v, _t, value) => (isLinkLocal(host(v)) ? value : null),
  loopback: (v, _t, value) => (isLoopback(v) ? value : null),
  multicast: (v, _t, value) => (isMulticast(v) ? value : null),
  net: (v) => (sizeOf(v) > 1n && v.value === networkOf(v) ? `${fmt(v, networkOf(v))}/${v.prefixlen}` : null),
  next_usable: (v, vtype) => {
    needNetwork(vtype);
    if (sizeOf(v) <= 1n) return null;
    const [first, last] = firstLast(v);
    const next = v.value + 1n;
    return next >= first && next <= last ? fmt(v, next) : null;
  },
  netmask: (v) => fmt(v, netmaskOf(v)),
  network: (v) => fmt(v, networkOf(v)),
  'network/prefix': (v) => `${fmt(v, networkOf(v))}/${v.prefixlen}`,
  network_netmask: (v) => `${fmt(v, networkOf(v))} ${fmt(v, netmaskOf(v))}`,
  network_wildcard: (v) => `${fmt(v, networkOf(v))} ${fmt(v, hostmaskOf(v))}`,
  peer: (v, vtype) => {
    needNetwork(vtype);
    if (sizeOf(v) === 2n) return fmt(v, v.value ^ 1n);
    if (sizeOf(v) === 4n) {
      if (v.value % 4n === 0n) throw new TemplateError('Network address of /30 has no peer');
      if (v.value % 4n === 3n) throw new TemplateError('Broadcast address of /30 has no peer');
      return fmt(v, v.value ^ 3n);
    }
    throw new TemplateError('Not a point-to-point network');
  },
  prefix: (v) => v.prefixlen,
  previous_usable: (v, vtype) => {
    needNetwork(vtype);
    if (sizeOf(v) <= 1n) return null;
    const [first, last] = firstLast(v);
    const prev = v.value - 1n;
    return prev >= first && prev <= last ? fmt(v, prev) : null;
  },
  private: (v, _t, value) => (isPrivate(v) ? value : null),
  public: (v, _t, value) => {
    const a = host(v);
    const inverted = (a.value ^ maxInt(a)) + 1n;
    const ok = !isMulticast(a) && !isPrivate(a) && !isLoopback(a) && !powerOfTwo(inverted) && !powerOfTwo(a.value + 1n);
    return ok ? value : null;
  },
  range_usable: (v, vtype) => {
    needNetwork(vtype);
    if (sizeOf(v) <= 1n) return null;
    const [first, last] = firstLast(v);
    return `${fmt(v, first)}-${fmt(v, last)}`;
  },
  revdns: (v) => {
    if (v.version === 4) return `${ip(v).split('.').reverse().join('.')}.in-addr.arpa.`;
    return `${[...v.value.toString(16).padStart(32, '0')].reverse().join('.')}.ip6.arpa.`;
  },
  size: (v) => count(sizeOf(v)),
  size_usable: (v) => (sizeOf(v) === 1n ? 0 : sizeOf(v) === 2n ? 2 : count(sizeOf(v) - 2n)),
  type: (v) => (sizeOf(v) === 1n || v.value !== networkOf(v) ? 'address' : 'network'),
  unicast: (v, _t, value) => (isMulticast(v) ? null : value),
  version: (v) => v.version,
  wrap: (v, vtype, value) => (v.version === 6 ? (vtype === 'address' ? `[${ip(v)}]` : `[${ip(v)}]/${v.prefixlen}`) : value),
};
for (const [alias, name] of Object.entries({ gateway: 'address/prefix', gw: 'address/prefix', 'host/prefix': 'address/prefix', hostnet: 'address/prefix', router: 'address/prefix', ip: 'address', lo: 'loopback', network_id: 'network', subnet: 'network/prefix', v4: 'ipv4', v6: 'ipv6', wildcard: 'hostmask' })) QUERIES[alias] = QUERIES[name]!;

/** Python's int() of a text, or undefined. */
function pyInt(s: string): bigint | undefined {
  const t = s.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? BigInt(t.replace(/_/g, '')) : undefined;
}

function isDigits(s: string): boolean {
  return /^\d+$/.test(s);
}

/** An int value as netaddr takes it: IPv4 when it fits (unless IPv6 was asked for), else IPv6. */
function fromInt(n: bigint, prefix: number | undefined, version: number): IpNetwork | undefined {
  for (const v of version === 6 ? [6 as const] : [4 as const, 6 as const]) {
    const p = prefix ?? width(v);
    if (n >= 0n && n < 1n << BigInt(width(v)) && p >= 0 && p <= width(v)) return { version: v, value: n, prefixlen: p };
  }
  return undefined;
}

/** ipaddr(value, query='', version=False, alias='ipaddr'). */
function ipaddrOf(value: unknown, query: unknown = '', version = 0, alias = 'ipaddr'): unknown {
  if (Array.isArray(value)) return value.map((e) => ipaddrOf(e, String(query), version, alias)).filter((x) => x !== null && x !== false && x !== '' && x !== 0);
  if (value === false || value === true || value === null || value === '' || value === 0) return false;
  const q = String(query);
  let v: IpNetwork | undefined;
  let vtype = 'address';
  const text = String(value);
  if (isDigits(text)) {
    v = fromInt(BigInt(text), undefined, version);
    if (!v) return false;
    value = cidrText(v);
    vtype = 'address';
  } else if (typeof value !== 'string') return false;
  else {
    v = parseNetwork(value);
    if (v) vtype = value.split('/').length === 2 ? 'network' : 'address';
    else {
      // a numerical CIDR: 3232235786/24
      const parts = value.split('/');
      const address = parts.length === 2 ? pyInt(parts[0]!) : undefined;
      const prefix = parts.length === 2 ? pyInt(parts[1]!) : undefined;
      if (address === undefined || prefix === undefined) return false;
      v = fromInt(address, Number(prefix), 0);
      if (!v) return false;
      value = cidrText(v);
      vtype = 'network';
    }
  }
  let queryName = q;
  let iplist: IpNetwork | undefined;
  if (q && (!(q in QUERIES) || q === 'cidr_lookup') && !isDigits(q) && ipaddrOf(q, 'network')) {
    iplist = parseNetwork(q);
    queryName = 'cidr_lookup';
  }
  if (version && v.version !== version) return false;
  const fn = QUERIES[queryName];
  if (fn) return fn(v, vtype, value, iplist);
  // a number: that address of the network
  if (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(q)) {
    if (sizeOf(v) === 1n) return vtype === 'address' ? ip(v) : cidrText(v);
    const index = pyInt(q);
    if (index === undefined) return false;
    const i = index < 0n ? sizeOf(v) + index : index;
    if (i < 0n || i >= sizeOf(v)) return false;
    return `${fmt(v, networkOf(v) + i)}/${v.prefixlen}`;
  }
  throw new TemplateError(`${alias}: unknown filter type: ${q}`);
}

/** The filters' own check of the value's type. */
function checked(name: string, fn: (value: unknown, query?: unknown) => unknown): (value: unknown, query?: unknown) => unknown {
  return (value, query = '') => {
    const ok = typeof value === 'string' || value instanceof String || Array.isArray(value) || typeof value === 'boolean' || (isPyNumber(value) && !isPyFloat(value));
    if (!ok) throw new TemplateError(`Unrecognized type <<class '${pyTypeName(value)}'>> for ${name} filter <value>`);
    return fn(value instanceof String ? String(value) : value, query);
  };
}

/** ipwrap: IPv6 addresses in brackets, anything else as it was. */
function ipwrap(value: unknown, query: unknown = ''): unknown {
  try {
    if (Array.isArray(value)) return value.map((e) => (ipaddrOf(e, query, 0, 'ipwrap') ? ipaddrOf(e, 'wrap') : e));
    const r = ipaddrOf(value, query, 0, 'ipwrap');
    return r ? ipaddrOf(r, 'wrap') : value;
  } catch {
    return value;
  }
}

const ipaddr = checked('ipaddr', (v, q) => ipaddrOf(v, q));
const ipv4 = checked('ipv4', (v, q) => ipaddrOf(v, q, 4, 'ipv4'));
const ipv6 = checked('ipv6', (v, q) => ipaddrOf(v, q, 6, 'ipv6'));
const wrap = checked('ipwrap', ipwrap);

/** The filters, by short and collection names. */
export const IPADDR_FILTERS: Record<string, (value: unknown, query?: unknown) => unknown> = {};
for (const [name, fn] of Object.entries({ ipaddr, ipv4, ipv6, ipwrap: wrap })) {
  IPADDR_FILTERS[name] = fn;
  IPADDR_FILTERS[`ansible.utils.${name}`] = fn;
  IPADDR_FILTERS[`ansible.netcommon.${name}`] = fn;
}

/** Their keyword parameter after the value. */
export const IPADDR_FILTER_PARAMS: Record<string, string[]> = Object.fromEntries(Object.keys(IPADDR_FILTERS).map((n) => [n, ['query']]));
