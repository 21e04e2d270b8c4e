// nested: the cartesian product of the lists (with_nested).
import { flattenOnce, listify } from './flatten.js';
import { LookupError, type LookupRun } from './types.js';

/** `[a, b], [1, 2]` gives `[a, 1], [a, 2], [b, 1], [b, 2]`. */
export const nested: LookupRun = (terms) => {
  const lists = terms.map(listify);
  if (!lists.length) throw new LookupError('with_nested requires at least one element in the nested list');
  let result: unknown[] = lists[0]!;
  for (const next of lists.slice(1)) result = result.flatMap((x) => next.map((y) => flattenOnce([x, y])));
  // Python's _flatten iterates a lone string's characters
  return result.map((x) => (typeof x === 'string' ? [...x] : flattenOnce(listify(x))));
};
