// Python's list and dict methods as Jinja calls them. jinja-compat gave JavaScript's results:
// `[1, 2].append(3)` printed 3 (push returns the length) where Python's None prints '',
// `[3, 1, 2].sort()` printed the list, `d.items()` gave lists where Python gives tuples, and
// copy(), extend(), clear() and the numbers' methods were missing.
import { TemplateError } from '../cli/errors.js';
import { pyEq, templateCompare } from './python-compare.js';
import { isPyFloat, numberOf } from './python-float.js';
import { pyRepr } from './python-repr.js';
import { pyTuple } from './python-tuple.js';

type Method = (...args: any[]) => unknown;

function pyLess(a: unknown, b: unknown): number {
  return templateCompare('<', a, b) ? -1 : templateCompare('<', b, a) ? 1 : 0;
}

/** Methods of a list, bound to it; undefined when Python's list has no such method. */
export function listMethod(list: unknown[], name: string): Method | undefined {
  const methods: Record<string, Method> = {
    append: (x: unknown) => {
      list.push(x);
      return null;
    },
    extend: (xs: unknown[]) => {
      list.push(...(Array.isArray(xs) ? xs : [...String(xs)]));
      return null;
    },
    insert: (i: unknown, x: unknown) => {
      const n = numberOf(i) ?? 0;
      list.splice(n < 0 ? Math.max(0, list.length + n) : n, 0, x);
      return null;
    },
    sort: (...args: unknown[]) => {
      const kw = (args.find((a: any) => a && a.__keywords) ?? {}) as Record<string, unknown>;
      list.sort(pyLess);
      if (kw.reverse) list.reverse();
      return null;
    },
    reverse: () => {
      list.reverse();
      return null;
    },
    clear: () => {
      list.length = 0;
      return null;
    },
    copy: () => [...list],
    remove: (x: unknown) => {
      const i = list.findIndex((y) => pyEq(x, y));
      if (i < 0) throw new TemplateError('list.remove(x): x not in list');
      list.splice(i, 1);
      return null;
    },
    pop: (i: unknown = -1) => {
      if (!list.length) throw new TemplateError('pop from empty list');
      const n = numberOf(i) ?? -1;
      const at = n < 0 ? list.length + n : n;
      if (at < 0 || at >= list.length) throw new TemplateError('pop index out of range');
      return list.splice(at, 1)[0];
    },
    index: (x: unknown) => {
      const i = list.findIndex((y) => pyEq(x, y));
      if (i < 0) throw new TemplateError(`${pyRepr(x)} is not in list`);
      return i;
    },
    count: (x: unknown) => list.filter((y) => pyEq(x, y)).length,
    __len__: () => list.length,
  };
  return Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
}

/** Methods of a dict that jinja-compat lacked or typed differently. */
export function dictMethod(dict: Record<string, unknown>, name: string): Method | undefined {
  const methods: Record<string, Method> = {
    items: () => Object.entries(dict).map(([k, v]) => pyTuple([k, v])),
    copy: () => ({ ...dict }),
    __len__: () => Object.keys(dict).length,
  };
  return Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
}

/** Attributes and methods of an int or float (n.real, f.is_integer(), n.bit_length()). */
export function numberMember(n: unknown, name: string): unknown {
  const x = numberOf(n)!;
  if (name === 'real') return n;
  if (name === 'imag') return isPyFloat(n) ? 0 : 0;
  if (name === 'is_integer' && isPyFloat(n)) return () => Number.isInteger(x);
  if (name === 'bit_length' && !isPyFloat(n)) return () => (x === 0 ? 0 : Math.abs(x).toString(2).length);
  return undefined;
}
