// Ansible's tests Drover lacked or read differently: the path tests (directory, file,
// exists, link; on the controller, as Ansible's), nan, callable, truthy/falsy with dicts
// and convert_bool, and match/search/regex taking ignorecase=/multiline= by keyword.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { pyRegex, truthy } from './filters.js';
import { isPyFloat, numberOf } from './python-float.js';
import { pyStr } from './python-repr.js';

type Test = (v: unknown, ...args: any[]) => boolean;

function keywords(args: unknown[]): { positional: unknown[]; kw: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords) return { positional: args.slice(0, -1), kw: last };
  return { positional: args, kw: {} };
}

/** Ansible's boolean(value, strict=False), for convert_bool. */
function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return ['y', 'yes', 'on', '1', 'true', 't', '1.0'].includes(pyStr(v).toLowerCase());
}

function regexTest(kind: 'match' | 'search'): Test {
  return (v, pattern, ...rest) => {
    const { positional, kw } = keywords(rest);
    const ignorecase = kw.ignorecase ?? positional[0] ?? false;
    const multiline = kw.multiline ?? positional[1] ?? false;
    const flags = `${ignorecase ? 'i' : ''}${multiline ? 'm' : ''}`;
    return pyRegex(kind === 'match' ? `^(?:${String(pattern)})` : String(pattern), flags).test(pyStr(v));
  };
}

function stat(path: unknown, follow = true): ReturnType<typeof statSync> | undefined {
  try {
    return follow ? statSync(pyStr(path)) : lstatSync(pyStr(path));
  } catch {
    return undefined;
  }
}

/** The tests, by name. */
export const MORE_TESTS: Record<string, Test> = {
  match: regexTest('match'),
  search: regexTest('search'),
  truthy: (v, ...rest) => {
    const { positional, kw } = keywords(rest);
    return truthy((kw.convert_bool ?? positional[0]) ? toBool(v) : v);
  },
  falsy: (v, ...rest) => {
    const { positional, kw } = keywords(rest);
    return !truthy((kw.convert_bool ?? positional[0]) ? toBool(v) : v);
  },
  nan: (v) => isPyFloat(v) && Number.isNaN(numberOf(v)),
  callable: (v) => typeof v === 'function',
  directory: (v) => stat(v)?.isDirectory() ?? false,
  dir: (v) => stat(v)?.isDirectory() ?? false,
  file: (v) => stat(v)?.isFile() ?? false,
  exists: (v) => existsSync(pyStr(v)),
  link: (v) => stat(v, false)?.isSymbolicLink() ?? false,
  link_exists: (v) => stat(v, false) !== undefined,
};
