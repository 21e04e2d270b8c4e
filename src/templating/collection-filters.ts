// Jinja's and Ansible's filters that were missing or returned lists where Python returns
// tuples (which print as `('a', 1)`): dictsort (with by= and reverse=), items, zip,
// zip_longest, product, permutations, combinations, splitext; the math filters log, root
// and pow; size formatting (filesizeformat, human_readable, human_to_bytes); wordwrap,
// xmlattr, escape and urlencode of any value, to_uuid, from_yaml_all, truncate and quote.
import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { TemplateError } from '../cli/errors.js';
import { parseAllYaml } from './yaml-all.js';
import { pyTypeName, templateCompare } from './python-compare.js';
import { numberOf, pyFloat } from './python-float.js';
import { pyIterate } from './python-number-filters.js';
import { pyStr } from './python-repr.js';
import { pyTuple } from './python-tuple.js';
import { Undefined } from './undefined-value.js';

type Fn = (...args: any[]) => unknown;

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Undefined);
}

function num(v: unknown, what: string): number {
  const n = numberOf(v);
  if (n === undefined) throw new TemplateError(`must be real number, not ${pyTypeName(v)} (${what})`);
  return n;
}

function sortKey(v: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
}

function dictsort(v: unknown, caseSensitive: unknown = false, by: unknown = 'key', reverse: unknown = false): unknown[] {
  if (!isDict(v)) throw new TemplateError('You can only sort by either "key" or "value"');
  if (by !== 'key' && by !== 'value') throw new TemplateError('You can only sort by either "key" or "value"');
  const pos = by === 'key' ? 0 : 1;
  const items = Object.entries(v).map(([k, x]) => pyTuple([k, x]));
  // Python's sort is stable; the comparison is Python's < (mixed types are an error)
  items.sort((a, b) => {
    const x = sortKey(a[pos], Boolean(caseSensitive));
    const y = sortKey(b[pos], Boolean(caseSensitive));
    return templateCompare('<', x, y) ? -1 : templateCompare('<', y, x) ? 1 : 0;
  });
  return reverse ? items.reverse() : items;
}

function product(lists: unknown[][]): unknown[] {
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]).map(pyTuple);
}

function permutations(items: unknown[], r: number): unknown[] {
  if (r > items.length) return [];
  if (r === 0) return [pyTuple([])];
  return items.flatMap((x, i) => (permutations([...items.slice(0, i), ...items.slice(i + 1)], r - 1) as unknown[][]).map((rest) => pyTuple([x, ...rest])));
}

function combinations(items: unknown[], r: number, start = 0): unknown[] {
  if (r === 0) return [pyTuple([])];
  const out: unknown[] = [];
  for (let i = start; i <= items.length - r; i++) for (const rest of combinations(items, r - 1, i + 1) as unknown[][]) out.push(pyTuple([items[i], ...rest]));
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&#34;' };

/** markupsafe.escape of str(v), as Markup (nunjucks' SafeString, which `is escaped` knows). */
function escapeHtml(v: unknown): string {
  if (v instanceof nunjucks.runtime.SafeString) return v as unknown as string;
  return new nunjucks.runtime.SafeString(pyStr(v).replace(/[&<>'"]/g, (c) => HTML_ESCAPES[c]!)) as unknown as string;
}

/** Jinja's url_quote: UTF-8 percent-encoding; in a query string spaces become + and / is quoted. */
function urlQuote(v: unknown, forQs: boolean): string {
  const safe = /[A-Za-z0-9_.\-~]/;
  let out = '';
  for (const byte of Buffer.from(pyStr(v), 'utf8')) {
    const c = String.fromCharCode(byte);
    out += safe.test(c) || (!forQs && c === '/') ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQs ? out.replace(/%20/g, '+') : out;
}

function urlencode(v: unknown): string {
  if (typeof v === 'string' || v instanceof String) return urlQuote(v, false);
  if (!isDict(v) && !Array.isArray(v)) return urlQuote(v, false);
  const pairs = isDict(v) ? Object.entries(v) : v.map((p) => {
    const items = pyIterate(p);
    if (items.length !== 2) throw new TemplateError(`not enough values to unpack (expected 2, got ${items.length})`);
    return items as [unknown, unknown];
  });
  return pairs.map(([k, x]) => `${urlQuote(k, true)}=${urlQuote(x, true)}`).join('&');
}

const SIZE_RANGES: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

function humanReadable(v: unknown, isbits: unknown = false, unit: unknown = null): string {
  const size = num(v, 'human_readable');
  const base = isbits ? 'bits' : 'Bytes';
  let found = SIZE_RANGES[SIZE_RANGES.length - 1]!;
  for (const r of SIZE_RANGES) {
    if ((unit === null || unit === undefined) && size >= r[1]) { found = r; break; }
    if (unit !== null && unit !== undefined && String(unit).toUpperCase() === r[0]) { found = r; break; }
  }
  const suffix = found[1] !== 1 ? found[0] + base[0] : base;
  return `${(size / found[1]).toFixed(2)} ${suffix}`;
}

function humanToBytes(v: unknown, defaultUnit: unknown = null, isbits: unknown = false): number {
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(pyStr(v));
  const n = m && m[1] !== '' && m[1] !== '.' ? Number(m[1]) : NaN;
  if (!m || Number.isNaN(n)) throw new TemplateError(`human_to_bytes() can't interpret following string: ${pyStr(v)}`);
  const unit = m[2] ?? (defaultUnit === null || defaultUnit === undefined ? undefined : String(defaultUnit));
  if (unit === undefined) return Math.round(n);
  const range = SIZE_RANGES.find(([k]) => k === unit[0]!.toUpperCase());
  if (!range) throw new TemplateError(`human_to_bytes() failed to convert ${pyStr(v)} (unit = ${unit}). The suffix must be one of Y, Z, E, P, T, G, M, K, B`);
  const cls = isbits ? 'b' : 'B';
  if (unit.length > 1 && !unit.toLowerCase().includes(isbits ? 'bit' : 'byte') && unit[1] !== cls && !(range[0] === 'B' && unit.length === 1)) {
    throw new TemplateError(`human_to_bytes() failed to convert ${pyStr(v)}. Value is not a valid string (expect ${isbits ? 'Mb' : 'MB'} or ${isbits ? 'Mbit' : 'MByte'})`);
  }
  return Math.round(n * range[1]);
}

function filesizeformat(v: unknown, binary: unknown = false): string {
  const bytes = num(v, 'filesizeformat');
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = 0;
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    if (bytes < unit) return `${((base * bytes) / unit).toFixed(1)} ${prefixes[i]}`;
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefixes[prefixes.length - 1]}`;
}

/** textwrap.wrap per line, greedy, long words broken (Jinja's wordwrap defaults). */
function wordwrap(v: unknown, width: unknown = 79, breakLong: unknown = true, wrapstring: unknown = null): string {
  const w = numberOf(width) ?? 79;
  const out: string[] = [];
  for (const para of pyStr(v).split(/\r?\n/)) {
    let line = '';
    for (let word of para.split(/\s+/).filter(Boolean)) {
      while (breakLong && word.length > w) {
        if (line) out.push(line);
        line = '';
        out.push(word.slice(0, w));
        word = word.slice(w);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= w) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    if (line) out.push(line);
  }
  return out.join(wrapstring === null || wrapstring === undefined ? '\n' : pyStr(wrapstring));
}

function xmlattr(v: unknown, autospace: unknown = true): string {
  if (!isDict(v)) throw new TemplateError(`'${pyTypeName(v)}' object has no attribute 'items'`);
  const parts = Object.entries(v)
    .filter(([, x]) => x !== null && x !== undefined && !(x instanceof Undefined))
    .map(([k, x]) => `${escapeHtml(k)}="${escapeHtml(x)}"`);
  const text = parts.join(' ');
  return autospace && text ? ` ${text}` : text;
}

const ANSIBLE_UUID_NAMESPACE = '361e6d51-faec-444a-9079-341386da8e2e';

/** uuid.uuid5(namespace, str(v)). */
function toUuid(v: unknown, namespace: unknown = ANSIBLE_UUID_NAMESPACE): string {
  const ns = Buffer.from(String(namespace).replace(/[{}-]/g, ''), 'hex');
  if (ns.length !== 16) throw new TemplateError('badly formed hexadecimal UUID string');
  const h = createHash('sha1').update(ns).update(pyStr(v), 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Jinja's truncate: the leeway of 5, cut at a word boundary unless killwords. */
function truncate(v: unknown, length: unknown = 255, killwords: unknown = false, end: unknown = '...', leeway: unknown = 5): string {
  const s = pyStr(v);
  const n = numberOf(length) ?? 255;
  const tail = pyStr(end);
  if ([...s].length <= n + (numberOf(leeway) ?? 5)) return s;
  if (killwords) return s.slice(0, n - tail.length) + tail;
  const head = s.slice(0, n - tail.length);
  const space = head.lastIndexOf(' ');
  return (space >= 0 ? head.slice(0, space) : head) + tail;
}

/** Python's shlex.quote of str(v) (a quote inside becomes '"'"'). */
function shlexQuote(v: unknown): string {
  const s = pyStr(v);
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** The filters, by name. */
export const COLLECTION_FILTERS: Record<string, Fn> = {
  dictsort,
  items: (v: unknown) => {
    if (v instanceof Undefined || v === undefined) return [];
    if (!isDict(v)) throw new TemplateError('Can only get item pairs from a mapping.');
    return Object.entries(v).map(([k, x]) => pyTuple([k, x]));
  },
  zip: (a: unknown, ...rest: unknown[]) => {
    const lists = [a, ...rest].map(pyIterate);
    return Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => pyTuple(lists.map((l) => l[i])));
  },
  zip_longest: (a: unknown, ...rest: unknown[]) => {
    const kw = rest.length && isDict(rest[rest.length - 1]) && (rest[rest.length - 1] as { __keywords?: boolean }).__keywords ? (rest.pop() as Record<string, unknown>) : {};
    const fill = 'fillvalue' in kw ? kw.fillvalue : null;
    const lists = [a, ...rest].map(pyIterate);
    return Array.from({ length: Math.max(...lists.map((l) => l.length)) }, (_, i) => pyTuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  },
  product: (a: unknown, ...rest: unknown[]) => {
    const kw = rest.length && isDict(rest[rest.length - 1]) && (rest[rest.length - 1] as { __keywords?: boolean }).__keywords ? (rest.pop() as Record<string, unknown>) : {};
    const lists = [a, ...rest].map(pyIterate);
    const repeat = numberOf(kw.repeat) ?? 1;
    return product(Array.from({ length: repeat }, () => lists).flat());
  },
  permutations: (v: unknown, r?: unknown) => {
    const items = pyIterate(v);
    return permutations(items, r === undefined || r === null ? items.length : num(r, 'permutations'));
  },
  combinations: (v: unknown, r: unknown) => combinations(pyIterate(v), num(r, 'combinations')),
  splitext: (v: unknown) => {
    // os.path.splitext: from the last dot of the last path part, unless only dots lead to it
    const s = pyStr(v);
    const sep = s.lastIndexOf('/');
    const dot = s.lastIndexOf('.');
    if (dot > sep && /[^.]/.test(s.slice(sep + 1, dot))) return pyTuple([s.slice(0, dot), s.slice(dot)]);
    return pyTuple([s, '']);
  },
  log: (v: unknown, base?: unknown) => {
    const x = num(v, 'log');
    if (x <= 0) throw new TemplateError('math domain error');
    return pyFloat(base === undefined || base === null ? Math.log(x) : Math.log(x) / Math.log(num(base, 'log')));
  },
  root: (v: unknown, base: unknown = 2) => {
    const x = num(v, 'root');
    const b = num(base, 'root');
    return pyFloat(b === 2 ? Math.sqrt(x) : x ** (1 / b));
  },
  pow: (v: unknown, y: unknown) => pyFloat(num(v, 'pow') ** num(y, 'pow')),
  filesizeformat,
  human_readable: humanReadable,
  human_to_bytes: humanToBytes,
  wordwrap,
  xmlattr,
  escape: escapeHtml,
  e: escapeHtml,
  forceescape: escapeHtml,
  urlencode,
  to_uuid: toUuid,
  truncate,
  quote: shlexQuote,
  from_yaml_all: (v: unknown) => (typeof v === 'string' || v instanceof String ? parseAllYaml(String(v)) : v),
};

/** Keyword parameters of these filters. */
export const COLLECTION_FILTER_PARAMS: Record<string, string[]> = {
  dictsort: ['case_sensitive', 'by', 'reverse'],
  human_readable: ['isbits', 'unit'],
  human_to_bytes: ['default_unit', 'isbits'],
  filesizeformat: ['binary'],
  wordwrap: ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'],
  xmlattr: ['autospace'],
  to_uuid: ['namespace'],
  truncate: ['length', 'killwords', 'end', 'leeway'],
  root: ['base'],
  log: ['base'],
};
