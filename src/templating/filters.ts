// Ansible's everyday Jinja2 filters, with Python's semantics where playbooks depend on them.
import { createHash } from 'node:crypto';
import { parseYaml as parseAnsibleYaml } from '../playbook/yaml-source.js';
import { TemplateError } from '../cli/errors.js';
import { quote } from '../connections/shell-quote.js';
import { pyJson, pyStr } from './python-repr.js';
import { pyNiceYaml, pyYaml } from './python-yaml-dump.js';
import { MORE_FILTERS } from './more-filters.js';
import { NUMBER_FILTERS, pyIterate } from './python-number-filters.js';
import { COLLECTION_FILTERS } from './collection-filters.js';
import { SORT_FILTERS } from './python-sort-filters.js';
import { commentFilter } from './comment-filter.js';
import { isPyFloat, isPyNumber } from './python-float.js';
import { pyTypeName } from './python-compare.js';
import { pyTuple } from './python-tuple.js';
import { TEXT_FILTERS } from './text-filters.js';
import { EXTRA_FILTERS } from './ansible-extra-filters.js';
import { isUndefined, Undefined } from './undefined-value.js';

type Fn = (...args: any[]) => unknown;

/** Python truthiness, with Ansible's boolean strings for `bool`. */
export function truthy(v: unknown): boolean {
  if (isUndefined(v) || v === null || v === false || v === 0 || v === '') return false;
  if (v instanceof Number) return v.valueOf() !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Python-style regex to JS: (?P<name>...) and (?P=name), inline flags at the start. */
export function pyRegex(pattern: string, flags = ''): RegExp {
  let p = pattern.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  const inline = /^\(\?([aiLmsux]+)\)/.exec(p);
  if (inline) {
    p = p.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  return new RegExp(p, flags);
}

const REPL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\' };

/** Python replacement string (\1, \g<1>, \g<name>, \\, \n) to JS ($01, $<name>), read in one pass as re's template parser does. */
export function pyReplacement(repl: string): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === '$') out += '$$';
    else if (c !== '\\' || i === repl.length - 1) out += c;
    else {
      const rest = repl.slice(i + 1);
      const named = /^g<(\w+)>/.exec(rest);
      const octal = /^(?:0[0-7]{0,2}|[0-7]{3})/.exec(rest);
      const group = /^\d{1,2}/.exec(rest);
      if (named) out += /^\d+$/.test(named[1]!) ? (Number(named[1]) === 0 ? '$&' : `$${named[1]!.padStart(2, '0')}`) : `$<${named[1]}>`;
      else if (octal) out += String.fromCharCode(parseInt(octal[0], 8)).replace(/\$/g, '$$$$');
      else if (group) out += `$${group[0].padStart(2, '0')}`;
      else if (REPL_ESCAPES[rest[0]!]) out += REPL_ESCAPES[rest[0]!];
      else out += `\\${rest[0]}`;
      i += named ? named[0].length : octal ? octal[0].length : group ? group[0].length : 1;
    }
  }
  return out;
}

/** One group argument of regex_search, as Ansible parses it (AttributeError when a backslash is not followed by a group). */
function searchGroup(arg: unknown): number | string {
  if (typeof arg !== 'string') throw new TemplateError(`'${typeof arg === 'number' ? 'int' : typeof arg}' object has no attribute 'startswith'`);
  if (arg.startsWith('\\g')) {
    const named = /^\\g<(\S+)>/.exec(arg);
    if (!named) throw new TemplateError("'NoneType' object has no attribute 'group'");
    return named[1]!;
  }
  if (arg.startsWith('\\')) {
    const n = /^\\(\d+)/.exec(arg);
    if (!n) throw new TemplateError("'NoneType' object has no attribute 'group'");
    return Number(n[1]);
  }
  throw new TemplateError('Unknown argument');
}

function flatten(list: unknown[], levels: number | undefined, depth = 0): unknown[] {
  const out: unknown[] = [];
  for (const x of list) {
    if (Array.isArray(x) && (levels === undefined || depth < levels)) out.push(...flatten(x, levels, depth + 1));
    else if (x !== null && x !== undefined) out.push(x);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function combine(recursive: boolean, listMerge: string, ...dicts: Record<string, unknown>[]): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      if (recursive && isPlainObject(out[k]) && isPlainObject(v)) out[k] = merge(out[k] as Record<string, unknown>, v);
      else if (Array.isArray(out[k]) && Array.isArray(v) && listMerge === 'append') out[k] = [...(out[k] as unknown[]), ...v];
      else if (Array.isArray(out[k]) && Array.isArray(v) && listMerge === 'prepend') out[k] = [...v, ...(out[k] as unknown[])];
      else out[k] = v;
    }
    return out;
  };
  return dicts.reduce((acc, d) => merge(acc, d ?? {}), {});
}

function uniqueList(list: unknown[]): unknown[] {
  const seen: string[] = [];
  const out: unknown[] = [];
  for (const x of list) {
    const key = JSON.stringify(x);
    if (!seen.includes(key)) {
      seen.push(key);
      out.push(x);
    }
  }
  return out;
}

function has(list: unknown[], x: unknown): boolean {
  const key = JSON.stringify(x);
  return list.some((y) => JSON.stringify(y) === key);
}

function attr(obj: unknown, path: string): unknown {
  let cur: any = obj;
  for (const part of String(path).split('.')) cur = cur === null || cur === undefined ? undefined : cur[part];
  return cur;
}

function toNumber(v: unknown, def: number, base = 10, float = false): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return float ? v : Math.trunc(v);
  const s = String(v ?? '').trim();
  const n = float ? parseFloat(s) : base !== 10 ? parseInt(s, base) : /^[+-]?\d+(\.\d+)?$/.test(s) ? Math.trunc(parseFloat(s)) : NaN;
  return Number.isNaN(n) ? def : n;
}

/** Jinja's text-only filters call str methods: anything else has no such attribute. */
function mustBeText(v: unknown, method: string): string {
  if (typeof v === 'string' || v instanceof String) return String(v);
  throw new TemplateError(`'${pyTypeName(v)}' object has no attribute '${method}'`);
}

/** Builds the filter table; `applyTest` runs a named test (for select/reject). */
export function buildFilters(applyTest: (name: string, value: unknown, args: unknown[]) => boolean, applyFilter: (name: string, value: unknown, args: unknown[]) => unknown): Record<string, Fn> {
  const f: Record<string, Fn> = {
    default: (v: unknown, def: unknown = '', boolean = false) => (isUndefined(v) || (boolean && !truthy(v)) ? def : v),
    mandatory: (v: unknown, msg?: string) => {
      if (isUndefined(v)) throw new TemplateError(msg ?? `Mandatory variable ${v instanceof Undefined ? `'${v.name}' ` : ''}not defined.`, v instanceof Undefined ? v.name : undefined);
      return v;
    },
    // Ansible's to_bool: None and booleans pass through; only yes/on/1/true (any case) and 1 are true
    bool: (v: unknown) => (v === null || v === undefined || typeof v === 'boolean' ? (v ?? null) : ['yes', 'on', '1', 'true'].includes(String(v).toLowerCase()) && (typeof v === 'string' || v === 1)),
    int: (v: unknown, def = 0, base = 10) => toNumber(v, def, base),
    float: (v: unknown, def = 0.0) => toNumber(v, def, 10, true),
    string: (v: unknown) => pyStr(v),
    lower: (v: unknown) => String(v).toLowerCase(),
    upper: (v: unknown) => String(v).toUpperCase(),
    capitalize: (v: unknown) => String(v).charAt(0).toUpperCase() + String(v).slice(1).toLowerCase(),
    title: (v: unknown) => String(v).replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
    trim: (v: unknown) => String(v).trim(),
    length: (v: unknown) => (Array.isArray(v) || typeof v === 'string' ? v.length : isPlainObject(v) ? Object.keys(v).length : 0),
    first: (v: unknown[]) => (Array.isArray(v) || typeof v === 'string' ? v[0] : undefined),
    last: (v: unknown[]) => (Array.isArray(v) || typeof v === 'string' ? v[v.length - 1] : undefined),
    min: (v: number[]) => v.reduce((a, b) => (b < a ? b : a)),
    max: (v: number[]) => v.reduce((a, b) => (b > a ? b : a)),
    sum: (v: number[], _attribute?: string, start = 0) => v.reduce((a, b) => a + Number(b), start),
    sort: (v: unknown[], reverse = false, _case = false, attribute?: string) => {
      const s = [...v].sort((a, b) => {
        const x: any = attribute ? attr(a, attribute) : a;
        const y: any = attribute ? attr(b, attribute) : b;
        return x < y ? -1 : x > y ? 1 : 0;
      });
      return reverse ? s.reverse() : s;
    },
    reverse: (v: unknown) => (typeof v === 'string' ? [...v].reverse().join('') : [...(v as unknown[])].reverse()),
    list: (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' ? [...v] : isPlainObject(v) ? Object.keys(v) : [v]),
    replace: (v: unknown, a: string, b: string, count?: number) => {
      let s = pyStr(v);
      if (count === undefined) return s.split(String(a)).join(String(b));
      for (let i = 0; i < count; i++) s = s.replace(String(a), String(b));
      return s;
    },
    split: (v: unknown, sep?: string, max?: number) => {
      // Ansible's split calls str.split: a list or dict has no such method
      const s = mustBeText(v, 'split');
      if (sep === undefined || sep === null) return s.trim().split(/\s+/).filter(Boolean);
      const parts = s.split(sep);
      if (max !== undefined && max >= 0 && parts.length > max + 1) return [...parts.slice(0, max), parts.slice(max).join(sep)];
      return parts;
    },
    // Jinja's join: any iterable (a string's characters, a dict's keys), items' attribute when given
    join: (v: unknown, sep: unknown = '', attribute?: unknown) =>
      pyIterate(v)
        .map((x) => pyStr(attribute === undefined || attribute === null ? x : attr(x, String(attribute))))
        .join(pyStr(sep)),
    to_json: (v: unknown, indent?: number, sortKeys = false, ensureAscii = true) => pyJson(v, indent ?? undefined, Boolean(sortKeys), 0, truthy(ensureAscii)),
    to_nice_json: (v: unknown, indent = 4, sortKeys = true, ensureAscii = true) => pyJson(v, indent, Boolean(sortKeys), 0, truthy(ensureAscii)),
    to_yaml: (v: unknown, indent = 2) => pyYaml(v, indent),
    to_nice_yaml: (v: unknown, indent = 4) => pyNiceYaml(v, indent),
    from_json: (v: unknown) => JSON.parse(String(v)),
    // yaml.safe_load: PyYAML's YAML 1.1 resolvers, as Drover's playbook loader ('1e3' is text, y stays y)
    from_yaml: (v: unknown) => (typeof v === 'string' || v instanceof String ? parseAnsibleYaml(String(v), '<from_yaml>') : v),
    b64encode: (v: unknown) => Buffer.from(pyStr(v), 'utf8').toString('base64'),
    b64decode: (v: unknown) => Buffer.from(pyStr(v), 'base64').toString('utf8'),
    regex_replace: (v: unknown, pattern = '', repl = '', ignorecase = false, multiline = false) =>
      pyStr(v).replace(pyRegex(pattern, `g${ignorecase ? 'i' : ''}${multiline ? 'm' : ''}`), pyReplacement(repl)),
    regex_search: (v: unknown, pattern: string, ...groups: unknown[]) => {
      const opts = groups.filter((g) => isPlainObject(g)) as Record<string, unknown>[];
      const o = opts[0] ?? {};
      // Ansible reads the group arguments first: '\\1' or '\\g<name>', anything else is an error
      const wanted = groups.filter((g) => !isPlainObject(g)).map(searchGroup);
      const m = pyRegex(pattern, `${o.ignorecase ? 'i' : ''}${o.multiline ? 'm' : ''}`).exec(pyStr(v));
      if (!m) return wanted.length ? null : '';
      if (!wanted.length) return m[0];
      return wanted.map((g) => {
        const got = typeof g === 'number' ? m[g] : m.groups?.[g];
        if (typeof g === 'number' ? g >= m.length : !m.groups || !(g in m.groups)) throw new TemplateError('no such group');
        return got ?? null;
      });
    },
    regex_findall: (v: unknown, pattern: string, multiline = false, ignorecase = false) => {
      const re = pyRegex(pattern, `g${ignorecase ? 'i' : ''}${multiline ? 'm' : ''}`);
      return [...pyStr(v).matchAll(re)].map((m) => (m.length > 2 ? pyTuple(m.slice(1)) : m.length === 2 ? m[1] : m[0]));
    },
    // Python's os.path: basename('/a/b/') is '', dirname('/a/b/') is '/a/b' (node's differ)
    basename: (v: unknown) => pyStr(v).slice(pyStr(v).lastIndexOf('/') + 1),
    dirname: (v: unknown) => {
      const s = pyStr(v);
      const head = s.slice(0, s.lastIndexOf('/') + 1);
      return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
    },
    combine: (...args: unknown[]) => {
      let opts: Record<string, unknown> = {};
      const last = args[args.length - 1] as any;
      if (last && last.__keywords) {
        opts = last;
        args = args.slice(0, -1);
      }
      const dicts = args.flatMap((a) => (Array.isArray(a) ? a : [a])) as Record<string, unknown>[];
      return combine(Boolean(opts.recursive), String(opts.list_merge ?? 'replace'), ...dicts);
    },
    dict2items: (v: Record<string, unknown>, keyName = 'key', valueName = 'value') => Object.entries(v ?? {}).map(([k, x]) => ({ [keyName]: k, [valueName]: x })),
    items2dict: (v: Record<string, unknown>[], keyName = 'key', valueName = 'value') => Object.fromEntries((v ?? []).map((x) => [String(x[keyName]), x[valueName]])),
    unique: (v: unknown[]) => uniqueList(v),
    union: (a: unknown[], b: unknown[]) => uniqueList([...a, ...b]),
    intersect: (a: unknown[], b: unknown[]) => uniqueList(a.filter((x) => has(b, x))),
    difference: (a: unknown[], b: unknown[]) => uniqueList(a.filter((x) => !has(b, x))),
    symmetric_difference: (a: unknown[], b: unknown[]) => uniqueList([...a.filter((x) => !has(b, x)), ...b.filter((x) => !has(a, x))]),
    flatten: (v: unknown[], levels?: number) => flatten(v, levels),
    ternary: (v: unknown, a: unknown, b: unknown, none?: unknown) => (v === null && none !== undefined ? none : truthy(v) ? a : b),
    quote: (v: unknown) => quote(v),
    hash: (v: unknown, algo = 'sha1') => createHash(String(algo)).update(pyStr(v)).digest('hex'),
    checksum: (v: unknown) => createHash('sha1').update(pyStr(v)).digest('hex'),
    md5: (v: unknown) => createHash('md5').update(pyStr(v)).digest('hex'),
    sha1: (v: unknown) => createHash('sha1').update(pyStr(v)).digest('hex'),
    map: (v: unknown[], ...args: unknown[]) => {
      const kw = (args.find((a: any) => a && a.__keywords) ?? {}) as Record<string, unknown>;
      if (kw.attribute !== undefined) return pyIterate(v ?? []).map((x) => { const r = attr(x, String(kw.attribute)); return r === undefined && 'default' in kw ? kw.default : r; });
      const [name, ...rest] = args.filter((a: any) => !(a && a.__keywords));
      return pyIterate(v ?? []).map((x) => applyFilter(String(name), x, rest));
    },
    select: (v: unknown[], test?: string, ...args: unknown[]) => pyIterate(v ?? []).filter((x) => (test ? applyTest(test, x, args) : truthy(x))),
    reject: (v: unknown[], test?: string, ...args: unknown[]) => pyIterate(v ?? []).filter((x) => !(test ? applyTest(test, x, args) : truthy(x))),
    selectattr: (v: unknown[], a: string, test?: string, ...args: unknown[]) => pyIterate(v ?? []).filter((x) => (test ? applyTest(test, attr(x, a), args) : truthy(attr(x, a)))),
    rejectattr: (v: unknown[], a: string, test?: string, ...args: unknown[]) => pyIterate(v ?? []).filter((x) => !(test ? applyTest(test, attr(x, a), args) : truthy(attr(x, a)))),
    zip: (a: unknown[], ...rest: unknown[][]) => a.slice(0, Math.min(a.length, ...rest.map((r) => r.length))).map((x, i) => [x, ...rest.map((r) => r[i])]),
    dictsort: (v: Record<string, unknown>) => {
      if (!isPlainObject(v)) throw new TemplateError(`'${v === null ? 'NoneType' : typeof v === 'string' ? 'str' : Array.isArray(v) ? 'list' : typeof v}' object has no attribute 'items'`);
      return Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    },
    abs: (v: number) => Math.abs(v),
    round: (v: number, precision = 0, method = 'common') => {
      const m = 10 ** precision;
      return method === 'floor' ? Math.floor(v * m) / m : method === 'ceil' ? Math.ceil(v * m) / m : Math.round(v * m) / m;
    },
    center: (v: unknown, width = 80) => {
      const s = String(v);
      const left = Math.floor((width - s.length) / 2);
      return ' '.repeat(Math.max(0, left)) + s + ' '.repeat(Math.max(0, width - s.length - left));
    },
    indent: (v: unknown, width = 4, first = false) => mustBeText(v, 'splitlines').split('\n').map((l, i) => (i === 0 && !first) || l === '' ? l : ' '.repeat(width) + l).join('\n'),
    comment: commentFilter,
    type_debug: (v: unknown) => (v === null ? 'NoneType' : Array.isArray(v) ? 'list' : typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : isPyNumber(v) ? (isPyFloat(v) ? 'float' : 'int') : 'dict'),
    splitext: (v: unknown) => {
      const s = String(v);
      const i = s.lastIndexOf('.');
      return i > s.lastIndexOf('/') + 0 && i > 0 ? [s.slice(0, i), s.slice(i)] : [s, ''];
    },
    realpath: (v: unknown) => String(v),
    expanduser: (v: unknown) => String(v).replace(/^~(?=\/|$)/, process.env.HOME ?? '~'),
  };
  Object.assign(f, TEXT_FILTERS, MORE_FILTERS, NUMBER_FILTERS, COLLECTION_FILTERS, SORT_FILTERS, EXTRA_FILTERS);
  f.d = f.default!;
  f.count = f.length!;
  return f;
}
