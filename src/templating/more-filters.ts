// Filters real playbooks use that Drover lacked: Jinja's `format` (Python's % operator),
// Ansible's `regex_escape`, `extract` (map('extract', hostvars)) and `subelements`.
import { TemplateError } from '../cli/errors.js';
import { numberOf } from './python-float.js';
import { pyRepr, pyStr } from './python-repr.js';
import { pyTuple } from './python-tuple.js';
import { Undefined } from './undefined-value.js';
import { pyToFixed } from './python-fixed.js';

type Fn = (...args: any[]) => unknown;

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;

function asNumber(v: unknown, conv: string): number {
  const n = numberOf(v);
  if (n !== undefined) return n;
  throw new TemplateError(`%${conv} format: a real number is required, not ${v === null ? 'NoneType' : Array.isArray(v) ? 'list' : typeof v === 'string' ? 'str' : 'dict'}`);
}

function pad(body: string, flags: string, width: number, numeric: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(body) ? body[0]! : '';
    return sign + body.slice(sign.length).padStart(width - sign.length, '0');
  }
  return body.padStart(width);
}

function convert(v: unknown, flags: string, width: number, precision: number | undefined, conv: string): string {
  const sign = (n: number, s: string): string => (n < 0 || Object.is(n, -0) ? `-${s}` : flags.includes('+') ? `+${s}` : flags.includes(' ') ? ` ${s}` : s);
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      const s = conv === 's' ? pyStr(v) : pyRepr(v);
      return pad(precision === undefined ? s : s.slice(0, precision), flags, width, false);
    }
    case 'c':
      return pad(typeof v === 'number' ? String.fromCodePoint(v) : String(v), flags, width, false);
    case 'd':
    case 'i':
    case 'u': {
      // + 0: int(-0.5) is 0, printed without a sign
      const n = Math.trunc(asNumber(v, conv)) + 0;
      return pad(sign(n, String(Math.abs(n))), flags, width, true);
    }
    case 'o':
    case 'x':
    case 'X': {
      const n = Math.trunc(asNumber(v, conv)) + 0;
      let s = Math.abs(n).toString(conv === 'o' ? 8 : 16);
      if (flags.includes('#')) s = (conv === 'o' ? '0o' : '0x') + s;
      return pad(sign(n, conv === 'X' ? s.toUpperCase() : s), flags, width, true);
    }
    case 'e':
    case 'E': {
      const n = asNumber(v, conv);
      const s = Math.abs(n).toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return pad(sign(n, conv === 'E' ? s.toUpperCase() : s), flags, width, true);
    }
    case 'f':
    case 'F': {
      const n = asNumber(v, conv);
      return pad(sign(n, pyToFixed(Math.abs(n), precision ?? 6)), flags, width, true);
    }
    default: {
      // g: the shorter of %e and %f, trailing zeros dropped
      const n = asNumber(v, conv);
      const p = precision === 0 ? 1 : (precision ?? 6);
      const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
      let s = exp < -4 || exp >= p ? Math.abs(n).toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2') : Math.abs(n).toFixed(Math.max(0, p - 1 - exp));
      if (!flags.includes('#')) s = s.replace(/\.?0+(?=e|$)/, (m) => (s.includes('.') ? '' : m));
      return pad(sign(n, conv === 'G' ? s.toUpperCase() : s), flags, width, true);
    }
  }
}

/** Python's `fmt % args` (args a list for positional specs, a dict for %(name)s). */
export function pyPercentFormat(fmt: string, args: unknown[] | Record<string, unknown>): string {
  let next = 0;
  const positional = Array.isArray(args) ? args : [args];
  const take = (): unknown => {
    if (next >= positional.length) throw new TemplateError('not enough arguments for format string');
    return positional[next++];
  };
  const out = fmt.replace(SPEC, (_m, key: string | undefined, flags: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const width = w === '*' ? Number(take()) : Number(w ?? 0);
    const precision = p === '*' ? Number(take()) : p === undefined ? undefined : Number(p);
    let v: unknown;
    if (key !== undefined) {
      if (Array.isArray(args) || !(key in args)) throw new TemplateError(Array.isArray(args) ? 'format requires a mapping' : `'${key}'`);
      v = args[key];
    } else v = take();
    return convert(v, flags, width, precision, conv);
  });
  if (Array.isArray(args) && next < positional.length) throw new TemplateError('not all arguments converted during string formatting');
  return out;
}

/** Python's re.escape (3.7+: only the special characters). */
function reEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

function item(container: unknown, key: unknown): unknown {
  if (container instanceof Undefined || container === null || container === undefined) return new Undefined(`'${pyStr(key)}'`);
  if (Array.isArray(container)) {
    const i = Number(key);
    return Number.isInteger(i) && i < container.length && i >= -container.length ? container[i < 0 ? container.length + i : i] : new Undefined(`list object has no element ${pyStr(key)}`);
  }
  if (typeof container === 'object') {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(container, k) ? (container as Record<string, unknown>)[k] : new Undefined(`'dict object' has no attribute '${k}'`);
  }
  return new Undefined(`'${pyStr(key)}'`);
}

function attribute(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) throw new TemplateError(`'${typeof cur === 'object' && cur !== null ? 'dict object' : pyStr(cur)}' has no attribute '${part}'`);
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Jinja's groupby: items sorted by the attribute, as (grouper, items) tuples (nunjucks gave a dict). */
function groupby(v: unknown, attr: unknown): unknown[] {
  if (!Array.isArray(v)) throw new TemplateError('groupby expects a list');
  const keyed = v.map((x) => ({ k: attribute(x, String(attr)), x }));
  keyed.sort((a, b) => {
    if (typeof a.k !== typeof b.k && !(typeof a.k === 'number' && typeof b.k === 'boolean') && !(typeof a.k === 'boolean' && typeof b.k === 'number')) throw new TemplateError(`'<' not supported between instances of '${typeof a.k}' and '${typeof b.k}'`);
    return (a.k as number) < (b.k as number) ? -1 : (a.k as number) > (b.k as number) ? 1 : 0;
  });
  const out: unknown[][] = [];
  for (const { k, x } of keyed) {
    const last = out[out.length - 1];
    if (last && last[0] === k) (last[1] as unknown[]).push(x);
    else out.push(pyTuple([k, [x]]));
  }
  return out;
}

/** The filters above, by name. */
export const MORE_FILTERS: Record<string, Fn> = {
  groupby,
  format: (v: unknown, ...args: unknown[]) => {
    const kw = args[args.length - 1] as Record<string, unknown> | undefined;
    if (kw && typeof kw === 'object' && kw.__keywords) {
      if (args.length > 1) throw new TemplateError("can't handle positional and keyword arguments at the same time");
      const { __keywords: _k, ...named } = kw;
      return pyPercentFormat(pyStr(v), named);
    }
    return pyPercentFormat(pyStr(v), args);
  },
  regex_escape: (v: unknown, reType = 'python') => {
    const s = pyStr(v);
    if (reType === 'python') return reEscape(s);
    if (reType === 'posix_basic') return s.replace(/([\].^$*\\[])/g, '\\$1');
    if (reType === 'posix_extended') throw new TemplateError('Regex type (posix_extended) not yet implemented');
    throw new TemplateError(`Invalid regex type (${String(reType)})`);
  },
  extract: (key: unknown, container: unknown, morekeys?: unknown) => {
    let value = item(container, key);
    if (morekeys !== undefined && morekeys !== null) for (const k of Array.isArray(morekeys) ? morekeys : [morekeys]) value = item(value, k);
    return value;
  },
  subelements: (obj: unknown, path: unknown, skipMissing = false) => {
    let elements: unknown[];
    if (Array.isArray(obj)) elements = obj;
    else if (obj !== null && typeof obj === 'object') elements = Object.values(obj);
    else throw new TemplateError('obj must be a list of dicts or a nested dict');
    let keys: unknown[];
    if (Array.isArray(path)) keys = path;
    else if (typeof path === 'string') keys = path.split('.');
    else throw new TemplateError('subelements must be a list or a string');
    const out: unknown[] = [];
    for (const element of elements) {
      let values: unknown = element;
      for (const k of keys) {
        if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new TemplateError(`the key ${pyStr(k)} should point to a dictionary, got '${pyStr(values)}'`);
        if (!Object.prototype.hasOwnProperty.call(values, String(k))) {
          if (skipMissing) {
            values = [];
            break;
          }
          throw new TemplateError(`could not find ${pyRepr(k)} key in iterated item ${pyRepr(values)}`);
        }
        values = (values as Record<string, unknown>)[String(k)];
      }
      if (!Array.isArray(values)) throw new TemplateError(`the key ${pyRepr(keys[keys.length - 1])} should point to a list, got ${pyRepr(values)}`);
      for (const v of values) out.push(pyTuple([element, v]));
    }
    return out;
  },
};
