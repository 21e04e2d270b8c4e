// netaddr's IPNetwork (0.8, what ansible.utils' ipaddr filters use) for IPv4 and IPv6: parsing
// as netaddr parses (strict inet_pton, then IPv4's partial form `192.168.1` as 192.168.1.0, a
// prefix length, netmask or hostmask after the slash), the derived addresses, and printing as
// glibc's inet_ntop prints (`2001:db8::1`, `::ffff:192.168.1.1`).

/** An address with its prefix length, as netaddr.IPNetwork holds it (the host bits kept). */
export interface IpNetwork {
  version: 4 | 6;
  /** The address as given (v.ip). */
  value: bigint;
  prefixlen: number;
}

export const width = (v: 4 | 6): number => (v === 4 ? 32 : 128);
const ones = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** inet_pton(AF_INET): exactly four decimal octets without leading zeros. */
function ipv4Pton(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

/** Python's int() of a token (whitespace, sign, underscores between digits). */
function pyInt(s: string): number | undefined {
  const t = s.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replace(/_/g, '')) : undefined;
}

/** netaddr's expand_partial_address: 1 to 4 int() tokens, zeros appended, then inet_pton. */
function ipv4Partial(s: string): bigint | undefined {
  if (s.includes(':')) return undefined;
  const tokens = s.split('.').map(pyInt);
  if (tokens.length < 1 || tokens.length > 4 || tokens.some((t) => t === undefined)) return undefined;
  while (tokens.length < 4) tokens.push(0);
  return ipv4Pton(tokens.map((t) => String(t)).join('.'));
}

/** inet_pton(AF_INET6), with a trailing dotted IPv4 part allowed. */
function ipv6Pton(s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let text = s;
  // a trailing dotted IPv4 part is two words
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Pton(dotted[1]!);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, text.length - dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  } else if (s.includes('.')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const ws = h.split(':');
    return ws.every((w) => /^[0-9A-Fa-f]{1,4}$/.test(w)) ? ws.map((w) => BigInt(`0x${w}`)) : undefined;
  };
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length;
  let all: bigint[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    all = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest];
  } else {
    if (given !== 8) return undefined;
    all = head;
  }
  return all.reduce((acc, w) => (acc << 16n) | w, 0n);
}

function isNetmask(version: 4 | 6, v: bigint): number | undefined {
  for (let p = 0; p <= width(version); p++) if (v === (ones(p) << BigInt(width(version) - p))) return p;
  return undefined;
}

function isHostmask(version: 4 | 6, v: bigint): number | undefined {
  for (let p = 0; p <= width(version); p++) if (v === ones(width(version) - p)) return p;
  return undefined;
}

/** An address text as IPAddress(text, version, INET_PTON), IPv4 also in its partial form. */
function parseAddress(version: 4 | 6, text: string, partial: boolean): bigint | undefined {
  if (version === 6) return ipv6Pton(text);
  return ipv4Pton(text) ?? (partial ? ipv4Partial(text) : undefined);
}

/** netaddr.IPNetwork(text): IPv4 first, then IPv6; undefined where netaddr raises. */
export function parseNetwork(text: string): IpNetwork | undefined {
  for (const version of [4, 6] as const) {
    const slash = text.indexOf('/');
    const addr = slash < 0 ? text : text.slice(0, slash);
    const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
    const value = parseAddress(version, addr, true);
    if (value === undefined) continue;
    let prefixlen: number | undefined = width(version);
    if (prefixText !== undefined) {
      prefixlen = pyInt(prefixText);
      if (prefixlen === undefined) {
        const mask = parseAddress(version, prefixText, false);
        prefixlen = mask === undefined ? undefined : isNetmask(version, mask) ?? isHostmask(version, mask);
      }
    }
    if (prefixlen === undefined || prefixlen < 0 || prefixlen > width(version)) continue;
    return { version, value, prefixlen };
  }
  return undefined;
}

/** inet_ntop: IPv4 dotted; IPv6 with the longest run of two or more zero words as `::`. */
export function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const words = [...Array(8).keys()].map((i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  // an IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d) address prints its IPv4 part dotted
  const v4Tail = best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best.base) {
      out += i === 0 ? '::' : ':';
      i += best.len - 1;
      continue;
    }
    if (v4Tail && i === 6) {
      out += formatAddress(4, value & 0xffffffffn);
      break;
    }
    out += words[i]!.toString(16) + (i < 7 ? ':' : '');
  }
  return out;
}

/** The netmask as a number. */
export function netmaskOf(n: IpNetwork): bigint {
  return ones(n.prefixlen) << BigInt(width(n.version) - n.prefixlen);
}

/** The hostmask as a number. */
export function hostmaskOf(n: IpNetwork): bigint {
  return ones(width(n.version) - n.prefixlen);
}

/** The first address of the network. */
export function networkOf(n: IpNetwork): bigint {
  return n.value & netmaskOf(n);
}

/** The last address; netaddr has no broadcast for an IPv4 /31 or /32. */
export function broadcastOf(n: IpNetwork): bigint | undefined {
  return n.version === 4 && n.prefixlen >= 31 ? undefined : networkOf(n) | hostmaskOf(n);
}

/** How many addresses the network holds. */
export function sizeOf(n: IpNetwork): bigint {
  return 1n << BigInt(width(n.version) - n.prefixlen);
}

/** True when all of `inner` lies inside `outer` (netaddr's `network in network`). */
export function within(inner: IpNetwork, outer: IpNetwork): boolean {
  if (inner.version !== outer.version || inner.prefixlen < outer.prefixlen) return false;
  return networkOf({ ...inner, prefixlen: outer.prefixlen }) === networkOf(outer);
}
