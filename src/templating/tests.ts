// Jinja2/Ansible tests (`x is defined`, `result is failed`, `v is version('1.6', '>=')`).
import { isUndefined } from './undefined-value.js';
import { pyRegex } from './filters.js';
import { PYTHON_TESTS } from './python-tests.js';
import { MORE_TESTS } from './more-tests.js';
import { EXTRA_TESTS } from './ansible-extra-tests.js';
import { versionTest } from './python-version.js';

type Test = (value: unknown, ...args: any[]) => boolean;

function result(v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object') throw new Error('the test expects a registered task result');
  return v as Record<string, unknown>;
}

/** The test table registered on the nunjucks environment. */
export const TESTS: Record<string, Test> = {
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => v === null,
  succeeded: (v) => !result(v).failed,
  success: (v) => !result(v).failed,
  failed: (v) => Boolean(result(v).failed),
  failure: (v) => Boolean(result(v).failed),
  changed: (v) => Boolean(result(v).changed),
  change: (v) => Boolean(result(v).changed),
  skipped: (v) => Boolean(result(v).skipped),
  skip: (v) => Boolean(result(v).skipped),
  match: (v, pattern: string, ignorecase = false) => pyRegex(`^(?:${pattern})`, ignorecase ? 'i' : '').test(String(v)),
  search: (v, pattern: string, ignorecase = false) => pyRegex(pattern, ignorecase ? 'i' : '').test(String(v)),
  regex: (v, pattern: string, ignorecase = false, _multiline = false, matchType = 'search') => (matchType === 'match' ? pyRegex(`^(?:${pattern})`, ignorecase ? 'i' : '') : pyRegex(pattern, ignorecase ? 'i' : '')).test(String(v)),
  version: versionTest,
  version_compare: versionTest,
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  mapping: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || (typeof v === 'object' && v !== null),
  truthy: (v) => Boolean(v) && !(Array.isArray(v) && v.length === 0),
  falsy: (v) => !v || (Array.isArray(v) && v.length === 0),
  in: (v, container: unknown) => (Array.isArray(container) ? container.includes(v) : typeof container === 'string' ? container.includes(String(v)) : container !== null && typeof container === 'object' ? String(v) in (container as object) : false),
  contains: (container, v) => (Array.isArray(container) ? container.includes(v) : typeof container === 'string' ? container.includes(String(v)) : false),
  equalto: (v, other) => v === other,
  eq: (v, other) => v === other,
  sameas: (v, other) => v === other,
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  divisibleby: (v, n: number) => Number(v) % n === 0,
  lower: (v) => String(v) === String(v).toLowerCase(),
  upper: (v) => String(v) === String(v).toUpperCase(),
  abs: (v) => String(v).startsWith('/'),
  ...PYTHON_TESTS,
  ...MORE_TESTS,
  ...EXTRA_TESTS,
  subset: (v, other: unknown[]) => (v as unknown[]).every((x) => other.includes(x)),
  superset: (v, other: unknown[]) => other.every((x) => (v as unknown[]).includes(x)),
};
