// Jinja's numeric and sequence filters with Python's types and errors: `float` gives a float
// (`3 | float` is 3.0), `round` rounds half to even and returns a float, `int` reads Python's
// literals ('0x1f' with base 16, '1e3' through float), and `abs`, `round`, `length`, `first`,
// `last`, `list`, `sum`, `min`, `max` refuse what Python refuses (`'a' | abs`, `none | length`)
// instead of JavaScript's NaN, 0 or ''.
import { TemplateError } from '../cli/errors.js';
import { pyAdd } from './python-arithmetic.js';
import { pyEq, pyTypeName } from './python-compare.js';
import { isPyFloat, isPyNumber, numberOf, pyFloat } from './python-float.js';
import { Undefined } from './undefined-value.js';

type Fn = (...args: any[]) => unknown;

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number);
}

/** Python's iter(): a list as it is, a string's characters, a dict's keys; anything else refused. */
export function pyIterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' || v instanceof String) return [...String(v)];
  if (isDict(v)) return Object.keys(v);
  throw new TemplateError(`'${pyTypeName(v)}' object is not iterable`);
}

/** Python's float(): numbers, bools and numeric text (spaces, underscores, inf, nan, 1e3). */
function toFloat(v: unknown): number | undefined {
  const n = numberOf(v);
  if (n !== undefined) return n;
  if (typeof v !== 'string' && !(v instanceof String)) return undefined;
  const s = String(v).trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(s)) return NaN;
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([e][+-]?\d(_?\d)*)?$/.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

/** Python's int(text, base): prefixes allowed when they match the base (0 guesses it). */
function parseIntText(text: string, base: number): number | undefined {
  let s = text.trim().toLowerCase().replace(/(\d)_(?=\d)/g, '$1');
  const neg = s.startsWith('-');
  if (/^[+-]/.test(s)) s = s.slice(1);
  const prefix = /^0([xob])/.exec(s)?.[1];
  const prefixBase = prefix === 'x' ? 16 : prefix === 'o' ? 8 : prefix === 'b' ? 2 : undefined;
  if (base === 0) {
    base = prefixBase ?? 10;
    if (!prefixBase && /^0+[1-9]/.test(s)) return undefined;
  }
  if (prefixBase && prefixBase === base) s = s.slice(2);
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (!s || [...s].some((c) => !digits.includes(c))) return undefined;
  const n = parseInt(s, base);
  return neg ? -n : n;
}

/** Jinja's int filter: int(value), text in the given base or through float; else the default. */
function intFilter(v: unknown, dflt: unknown = 0, base: unknown = 10): unknown {
  if (typeof v === 'string' || v instanceof String) {
    const b = numberOf(base) ?? 10;
    const n = parseIntText(String(v), b);
    if (n !== undefined) return n;
    const f = toFloat(v);
    return f !== undefined && Number.isFinite(f) ? Math.trunc(f) : dflt;
  }
  const n = numberOf(v);
  return n !== undefined && Number.isFinite(n) ? Math.trunc(n) || 0 : dflt;
}

/** Python's round(x, n): correctly rounded from the exact binary value, ties to even. */
function pyRound(x: number, precision: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  if (precision < 0) {
    const m = 10 ** -precision;
    return pyRound(x / m, 0) * m;
  }
  const p = Math.min(precision, 99);
  // toFixed(100) is the exact decimal expansion of the double (2.675 is 2.67499999...)
  const [ip, fp = ''] = Math.abs(x).toFixed(100).split('.') as [string, string];
  const sign = x < 0 ? -1 : 1;
  if (/^50*$/.test(fp.slice(p))) {
    const kept = ip + fp.slice(0, p);
    const truncated = Number(`${ip}.${fp.slice(0, p) || '0'}`);
    return sign * (Number(kept.at(-1)) % 2 === 0 ? truncated : Number(Math.abs(x).toFixed(p)));
  }
  return sign * Number(Math.abs(x).toFixed(p));
}

function roundFilter(v: unknown, precision: unknown = 0, method: unknown = 'common'): unknown {
  if (!['common', 'ceil', 'floor'].includes(String(method))) throw new TemplateError('method must be common, ceil or floor');
  const p = numberOf(precision) ?? 0;
  if (!isPyNumber(v) && typeof v !== 'boolean') {
    throw new TemplateError(method === 'common' ? `type ${pyTypeName(v)} doesn't define __round__ method` : `must be real number, not ${pyTypeName(v)}`);
  }
  const x = numberOf(v)!;
  if (method === 'common') return isPyFloat(v) ? pyFloat(pyRound(x, p)) : p >= 0 ? x : pyRound(x, p);
  const m = 10 ** p;
  return pyFloat((method === 'ceil' ? Math.ceil(x * m) : Math.floor(x * m)) / m);
}

function absFilter(v: unknown): unknown {
  if (!isPyNumber(v) && typeof v !== 'boolean') throw new TemplateError(`bad operand type for abs(): '${pyTypeName(v)}'`);
  const n = Math.abs(numberOf(v)!);
  return isPyFloat(v) ? pyFloat(n) : n;
}

/** Python's len(). */
export function pyLen(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'string' || v instanceof String) return [...String(v)].length;
  if (isDict(v)) return Object.keys(v).length;
  throw new TemplateError(`object of type '${pyTypeName(v)}' has no len()`);
}

function firstFilter(v: unknown): unknown {
  const items = pyIterate(v);
  return items.length ? items[0] : new Undefined("'No first item, sequence was empty.'");
}

function lastFilter(v: unknown): unknown {
  if (!Array.isArray(v) && typeof v !== 'string' && !(v instanceof String) && !isDict(v)) throw new TemplateError(`'${pyTypeName(v)}' object is not reversible`);
  const items = pyIterate(v);
  return items.length ? items[items.length - 1] : new Undefined("'No last item, sequence was empty.'");
}

function attribute(v: unknown, path: unknown): unknown {
  if (path === undefined || path === null) return v;
  let cur: any = v;
  for (const part of String(path).split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else cur = isDict(cur) && Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
    if (cur === undefined) throw new TemplateError(`'${pyTypeName(v)} object' has no attribute '${part}'`);
  }
  return cur;
}

function sumFilter(v: unknown, attr?: unknown, start: unknown = 0): unknown {
  let total = start;
  for (const x of pyIterate(v)) total = pyAdd(total, attribute(x, attr));
  return total;
}

/** Python's ordering for min/max/sort keys: strings lowered unless case_sensitive. */
function orderKey(v: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && (typeof v === 'string' || v instanceof String) ? String(v).toLowerCase() : v;
}

function less(a: unknown, b: unknown): boolean {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x < y;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!pyEq(a[i], b[i])) return less(a[i], b[i]);
    return a.length < b.length;
  }
  throw new TemplateError(`'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function extreme(kind: 'min' | 'max') {
  return (v: unknown, caseSensitive: unknown = false, attr?: unknown): unknown => {
    const items = pyIterate(v);
    if (!items.length) return new Undefined("'No aggregated item, sequence was empty.'");
    let best = items[0];
    let bestKey = orderKey(attribute(best, attr), Boolean(caseSensitive));
    for (const x of items.slice(1)) {
      const k = orderKey(attribute(x, attr), Boolean(caseSensitive));
      if (kind === 'min' ? less(k, bestKey) : less(bestKey, k)) {
        best = x;
        bestKey = k;
      }
    }
    return best;
  };
}

/** Jinja's batch: lists of n items from any iterable, the last one filled when fill_with is given. */
function batchFilter(v: unknown, size: unknown, fill: unknown = null): unknown[][] {
  const n = numberOf(size) ?? 1;
  const items = pyIterate(v);
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  const last = out[out.length - 1];
  if (last && fill !== null && fill !== undefined) while (last.length < n) last.push(fill);
  return out;
}

/** The filters, by name (they replace the JavaScript-typed ones). */
export const NUMBER_FILTERS: Record<string, Fn> = {
  float: (v: unknown, dflt: unknown = pyFloat(0)) => {
    const n = toFloat(v);
    return n === undefined ? dflt : pyFloat(n);
  },
  int: intFilter,
  round: roundFilter,
  abs: absFilter,
  length: pyLen,
  count: pyLen,
  first: firstFilter,
  last: lastFilter,
  list: (v: unknown) => [...pyIterate(v)],
  sum: sumFilter,
  min: extreme('min'),
  max: extreme('max'),
  batch: batchFilter,
};

/** Keyword parameters of these filters (Jinja's signatures). */
export const NUMBER_FILTER_PARAMS: Record<string, string[]> = {
  sum: ['attribute', 'start'],
  min: ['case_sensitive', 'attribute'],
  max: ['case_sensitive', 'attribute'],
  batch: ['linecount', 'fill_with'],
};
