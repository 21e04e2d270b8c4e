// More of Python's str methods that templates call (`.rfind()`, `.ljust()`, `.format(name=..)`,
// `.replace(a, b, 1)`...), with Python's results and errors.
import { TemplateError } from '../cli/errors.js';
import { pyTuple } from './python-tuple.js';
import { pyStr } from './python-repr.js';
import { pyToFixed } from './python-fixed.js';

function keywords(args: unknown[]): { positional: unknown[]; named: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords) {
    const { __keywords: _k, ...named } = last;
    return { positional: args.slice(0, -1), named };
  }
  return { positional: args, named: {} };
}

function pad(s: string, width: number, fill: string, align: string): string {
  const marg = width - s.length;
  if (marg <= 0) return s;
  if (align === '<') return s + fill.repeat(marg);
  if (align === '>') return fill.repeat(marg) + s;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return fill.repeat(left) + s + fill.repeat(marg - left);
}

// the subset of the format-spec mini-language templates use: [[fill]align][width][.precision][type]
function formatSpec(v: unknown, spec: string): string {
  const m = /^(?:(.)?([<>^]))?(\d+)?(?:\.(\d+))?([sdf%])?$/.exec(spec);
  if (!m) throw new TemplateError(`unsupported format spec '${spec}'`);
  const [, fill, align, width, precision, type] = m;
  let s: string;
  if (type === 'f') s = pyToFixed(Number(v), precision === undefined ? 6 : Number(precision));
  else if (type === 'd') s = String(Math.trunc(Number(v)));
  else s = precision !== undefined ? pyStr(v).slice(0, Number(precision)) : pyStr(v);
  const numeric = typeof v === 'number' && type !== 's';
  return width ? pad(s, Number(width), fill ?? ' ', align ?? (numeric ? '>' : '<')) : s;
}

function find(s: string, sub: string, fromEnd: boolean): number {
  return fromEnd ? s.lastIndexOf(sub) : s.indexOf(sub);
}

/** Methods added to (or replacing) the templar's string method table. */
export const MORE_STRING_METHODS: Record<string, (s: string, ...a: any[]) => unknown> = {
  partition: (s, sep) => {
    const i = s.indexOf(String(sep));
    return i < 0 ? pyTuple([s, '', '']) : pyTuple([s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
  rpartition: (s, sep) => {
    const i = s.lastIndexOf(String(sep));
    return i < 0 ? pyTuple(['', '', s]) : pyTuple([s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
  // bytes print as their text in Ansible's templates
  encode: (s) => s,
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  rfind: (s, sub) => find(s, sub, true),
  index: (s, sub) => {
    const i = find(s, sub, false);
    if (i < 0) throw new TemplateError('substring not found');
    return i;
  },
  rindex: (s, sub) => {
    const i = find(s, sub, true);
    if (i < 0) throw new TemplateError('substring not found');
    return i;
  },
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s),
  center: (s, width: number, fill = ' ') => pad(s, width, fill, '^'),
  ljust: (s, width: number, fill = ' ') => pad(s, width, fill, '<'),
  rjust: (s, width: number, fill = ' ') => pad(s, width, fill, '>'),
  casefold: (s) => s.toLowerCase().replace(/ß/g, 'ss'),
  removeprefix: (s, p: string) => (s.startsWith(p) ? s.slice(p.length) : s),
  removesuffix: (s, p: string) => (p && s.endsWith(p) ? s.slice(0, -p.length) : s),
  expandtabs: (s, size = 8) =>
    s
      .split('\n')
      .map((line) => {
        let out = '';
        for (const c of line) out += c === '\t' ? ' '.repeat(size - (out.length % size)) : c;
        return out;
      })
      .join('\n'),
  replace: (s, a: string, b: string, count?: number) => {
    if (count === undefined || count < 0) return s.split(a).join(b);
    let out = s;
    let from = 0;
    for (let i = 0; i < count; i++) {
      const at = out.indexOf(a, from);
      if (at < 0) break;
      out = out.slice(0, at) + b + out.slice(at + a.length);
      from = at + b.length;
    }
    return out;
  },
  join: (s, list: unknown) => {
    const items = Array.isArray(list) ? list : typeof list === 'string' ? [...list] : [];
    items.forEach((x, i) => {
      if (typeof x !== 'string') throw new TemplateError(`sequence item ${i}: expected str instance, ${x === null ? 'NoneType' : Array.isArray(x) ? 'list' : typeof x === 'number' ? (Number.isInteger(x) ? 'int' : 'float') : typeof x} found`);
    });
    return items.join(s);
  },
  format: (s, ...args: unknown[]) => {
    const { positional, named } = keywords(args);
    let auto = 0;
    return s.replace(/\{\{|\}\}|\{([^{}:!]*)(?::([^{}]*))?\}/g, (m, field: string | undefined, spec: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      const key = field ?? '';
      const v = key === '' ? positional[auto++] : /^\d+$/.test(key) ? positional[Number(key)] : named[key];
      return spec ? formatSpec(v, spec) : pyStr(v);
    });
  },
};
