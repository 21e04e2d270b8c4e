// Jinja's builtin tests with Python's types: `true is number` (a bool is a number in Python),
// `2.0 is float`, `0 is lower` (str(0).islower() is false), and comparisons and `divisibleby`
// that refuse mixed types (`'abc' is gt 6` is an error, not false). They also serve
// `select('gt', 1)`, which looked up only Drover's own table and missed nunjucks' tests.
import { pyMod } from './python-arithmetic.js';
import { pyEq, pyIn, templateCompare } from './python-compare.js';
import { isPyFloat, isPyNumber } from './python-float.js';
import { pyStr } from './python-repr.js';

type Test = (v: unknown, ...args: any[]) => boolean;

function isDict(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number);
}

function cased(s: string, want: 'lower' | 'upper'): boolean {
  // Python's islower/isupper: at least one cased character, and none of the other case
  const letters = [...s].filter((c) => c.toLowerCase() !== c.toUpperCase());
  return letters.length > 0 && letters.every((c) => (want === 'lower' ? c === c.toLowerCase() : c === c.toUpperCase()));
}

const compare = (op: string): Test => (v, other) => templateCompare(op, v, other);

/** The tests, by name; they replace the JavaScript-typed ones. */
export const PYTHON_TESTS: Record<string, Test> = {
  number: (v) => isPyNumber(v) || typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => isPyFloat(v),
  mapping: isDict,
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || v instanceof String || isDict(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string' || v instanceof String || isDict(v),
  lower: (v) => cased(pyStr(v), 'lower'),
  upper: (v) => cased(pyStr(v), 'upper'),
  even: (v) => pyEq(pyMod(v, 2), 0),
  odd: (v) => pyEq(pyMod(v, 2), 1),
  divisibleby: (v, n) => pyEq(pyMod(v, n), 0),
  eq: (v, o) => pyEq(v, o),
  equalto: (v, o) => pyEq(v, o),
  '==': (v, o) => pyEq(v, o),
  ne: (v, o) => !pyEq(v, o),
  '!=': (v, o) => !pyEq(v, o),
  gt: compare('>'),
  '>': compare('>'),
  greaterthan: compare('>'),
  ge: compare('>='),
  '>=': compare('>='),
  lt: compare('<'),
  '<': compare('<'),
  lessthan: compare('<'),
  le: compare('<='),
  '<=': compare('<='),
  in: (v, container) => pyIn(v, container),
};
