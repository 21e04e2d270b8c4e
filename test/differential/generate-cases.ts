// A small grammar-based generator of Jinja expressions (literals, variables, operators,
// filters, tests, indexing, conditionals). A fixed seed makes every run produce the same
// cases, so a divergence it finds reproduces by its id (generated#N) and seed.
import type { Case, Mode } from './case-types.js';
import { usesOnlyJinja } from './jinja-builtins.js';

/** mulberry32: tiny, fast, and the same sequence on every machine for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LITERALS = ['0', '1', '2', '3', '-1', '7', '10', '0.5', '2.0', '-1.5', '1e3', "''", "'a'", "'abc'", "'Hello World'", "'1'", "'0'", "'a,b'", "'x y'", 'True', 'False', 'None', '[]', '[1, 2, 3]', "['b', 'a']", '{}', "{'a': 1}", "{'k': 'v', 'n': 2}", '(1, 2)', '[0]', "['']"];
const VARS = ['n', 'zero', 'f', 's', 'empty', 'l', 'nums', 'el', 'd', 'ed', 'none', 'flag', 'no', 'numstr', 'missing'];
const BINOPS = ['+', '-', '*', '/', '//', '%', '==', '!=', '<', '>', '<=', '>=', 'and', 'or', 'in', 'not in', '~'];
const FILTERS = ['length', 'first', 'last', 'list', 'string', 'int', 'float', 'lower', 'upper', 'trim', 'reverse | list', 'sort', 'unique | list', 'abs', 'bool', "join(',')", "default('d')", "default('d', true)", 'sum', 'min', 'max', 'capitalize', 'title', 'to_json', 'type_debug', 'round', 'round(1)', 'count', 'dictsort', 'items | list', 'tojson', "replace('a', 'b')", 'center(7)', 'wordcount', 'flatten', 'to_yaml', 'b64encode', 'quote', 'ternary(1, 2)', "split(',')", 'batch(2) | list', 'select | list', 'reject | list', "map('string') | list"];
const TESTS = ['defined', 'undefined', 'none', 'string', 'number', 'integer', 'float', 'mapping', 'sequence', 'iterable', 'even', 'odd', 'divisibleby 2', 'divisibleby(3)', 'boolean', 'true', 'false', 'lower', 'upper', 'in [1, 2]', "in 'abc'", 'eq 1', 'truthy', 'falsy', 'sameas None', 'gt 1', 'le 2'];
const INDEXES = ['[0]', '[1]', '[-1]', '[1:]', '[:-1]', '[::-1]', '[::2]', "['a']", '.k', '.get(\'a\')'];

/** `count` expressions (each in value and text mode, the first third also as a condition). */
export function generateCases(seed: number, count: number): Case[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const atom = (): string => (rnd() < 0.6 ? pick(LITERALS) : pick(VARS));
  const expr = (depth: number): string => {
    if (depth <= 0) return atom();
    const r = rnd();
    if (r < 0.3) return `${expr(depth - 1)} ${pick(BINOPS)} ${expr(depth - 1)}`;
    if (r < 0.5) return `${expr(depth - 1)} | ${pick(FILTERS)}`;
    if (r < 0.6) return `${expr(depth - 1)} is ${rnd() < 0.3 ? 'not ' : ''}${pick(TESTS)}`;
    if (r < 0.68) return `(${expr(depth - 1)})${pick(INDEXES)}`;
    if (r < 0.76) return `not ${expr(depth - 1)}`;
    if (r < 0.84) return `${expr(depth - 1)} if ${expr(depth - 1)} else ${expr(depth - 1)}`;
    if (r < 0.9) return `[${expr(depth - 1)}, ${expr(depth - 1)}]`;
    if (r < 0.95) return `(${expr(depth - 1)})`;
    return `${pick(LITERALS)} ** ${pick(['0', '1', '2', '3'])}`;
  };
  const cases: Case[] = [];
  for (let i = 1; i <= count; i++) {
    const e = expr(1 + Math.floor(rnd() * 3));
    const modes: Mode[] = i % 3 === 0 ? ['value', 'text', 'cond'] : ['value', 'text'];
    for (const mode of modes) {
      const input = mode === 'cond' ? e : `{{ ${e} }}`;
      cases.push({ id: `generated#${i}${mode === 'value' ? '' : `/${mode}`}`, area: 'generated', mode, input, builtin: usesOnlyJinja(input) });
    }
  }
  return cases;
}
