// Jinja2's text filters with Python's str() of their input (None is 'None', a list its repr),
// Python's word and case rules, and the builtins nunjucks lacks (tojson, pprint).
import { pyJson, pyRepr, pyStr } from './python-repr.js';
import { urlize } from './urlize.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(v instanceof String)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sortKeys(x)]));
  }
  return v;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: '\u00a0' };

/** Filters that replace the table's text filters; applied over buildFilters' result. */
export const TEXT_FILTERS: Record<string, (...args: any[]) => unknown> = {
  urlize,
  lower: (v: unknown) => pyStr(v).toLowerCase(),
  upper: (v: unknown) => pyStr(v).toUpperCase(),
  capitalize: (v: unknown) => {
    const s = pyStr(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  // Jinja's do_title: each piece after -, whitespace or an opening bracket gets a capital
  title: (v: unknown) =>
    pyStr(v)
      .split(/([-\s({[<]+)/)
      .map((p) => (p ? p.charAt(0).toUpperCase() + p.slice(1).toLowerCase() : p))
      .join(''),
  trim: (v: unknown, chars?: string) => {
    const s = pyStr(v);
    if (chars === undefined || chars === null) return s.replace(/^\s+|\s+$/g, '');
    let a = 0;
    let b = s.length;
    while (a < b && chars.includes(s[a]!)) a++;
    while (b > a && chars.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  },
  // CPython's str.center puts the odd space on the left when the width is odd
  center: (v: unknown, width = 80) => {
    const s = pyStr(v);
    const marg = width - s.length;
    if (marg <= 0) return s;
    const left = Math.floor(marg / 2) + (marg & width & 1);
    return ' '.repeat(left) + s + ' '.repeat(marg - left);
  },
  wordcount: (v: unknown) => (pyStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  striptags: (v: unknown) =>
    pyStr(v)
      .replace(/<!--.*?-->|<[^>]*>/gs, '')
      .replace(/&(#?\w+);/g, (m, e: string) => ENTITIES[e] ?? (e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : m))
      .split(/\s+/)
      .filter(Boolean)
      .join(' '),
  // Jinja's htmlsafe_json_dumps: sorted keys, <>&' escaped
  tojson: (v: unknown, indent?: number) =>
    pyJson(v, indent ?? undefined, true)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/'/g, '\\u0027'),
  pprint: (v: unknown) => pyRepr(sortKeys(v)),
};
