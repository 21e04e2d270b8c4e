// Jinja's sort, unique and reverse with Python's rules: any iterable (a dict's keys, a
// string's characters), strings compared case-insensitively unless case_sensitive=true,
// Python's ordering (mixed types are an error), attribute= with dotted and comma-separated
// paths. JavaScript's sort put 'H' before 'd' and refused dicts.
import { TemplateError } from '../cli/errors.js';
import { pyEq, pyTypeName, templateCompare } from './python-compare.js';
import { pyIterate } from './python-number-filters.js';

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number);
}

/** Jinja's make_attrgetter: `a.b` and `0` steps; a missing attribute is an error here. */
function attrOf(item: unknown, path: string): unknown {
  let cur: unknown = item;
  for (const part of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isDict(cur) && Object.prototype.hasOwnProperty.call(cur, part)) cur = cur[part];
    else throw new TemplateError(`'${pyTypeName(cur)} object' has no attribute '${part}'`);
  }
  return cur;
}

function keyOf(item: unknown, attribute: unknown, caseSensitive: boolean): unknown[] {
  const paths = attribute === undefined || attribute === null ? [undefined] : String(attribute).split(',');
  return paths.map((p) => {
    const v = p === undefined ? item : attrOf(item, p.trim());
    return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
  });
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    if (templateCompare('<', a[i], b[i])) return -1;
    if (templateCompare('<', b[i], a[i])) return 1;
  }
  return 0;
}

function sortFilter(v: unknown, reverse: unknown = false, caseSensitive: unknown = false, attribute?: unknown): unknown[] {
  const items = pyIterate(v).map((x) => ({ x, k: keyOf(x, attribute, Boolean(caseSensitive)) }));
  // Python's sorted(reverse=True) keeps equal items in their order
  items.sort((a, b) => (reverse ? compareKeys(b.k, a.k) : compareKeys(a.k, b.k)));
  return items.map((i) => i.x);
}

function uniqueFilter(v: unknown, caseSensitive: unknown = false, attribute?: unknown): unknown[] {
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const x of pyIterate(v)) {
    const k = keyOf(x, attribute, Boolean(caseSensitive))[0];
    if (!seen.some((s) => pyEq(s, k))) {
      seen.push(k);
      out.push(x);
    }
  }
  return out;
}

function reverseFilter(v: unknown): unknown {
  if (typeof v === 'string' || v instanceof String) return [...String(v)].reverse().join('');
  if (!Array.isArray(v) && !isDict(v)) throw new TemplateError(`'${pyTypeName(v)}' object is not reversible`);
  return [...pyIterate(v)].reverse();
}

/** The filters, by name. */
export const SORT_FILTERS: Record<string, (...args: any[]) => unknown> = { sort: sortFilter, unique: uniqueFilter, reverse: reverseFilter };

/** Their keyword parameters. */
export const SORT_FILTER_PARAMS: Record<string, string[]> = { sort: ['reverse', 'case_sensitive', 'attribute'], unique: ['case_sensitive', 'attribute'] };
