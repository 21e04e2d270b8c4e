// together: lists zipped, the shorter padded with None (with_together).
import { flattenOnce, listify } from './flatten.js';
import { LookupError, type LookupRun } from './types.js';

/** `[1, 2], [3]` gives `[1, 3], [2, None]`. */
export const together: LookupRun = (terms) => {
  const lists = terms.map(listify);
  if (!lists.length) throw new LookupError('with_together requires at least one element in each list');
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))));
};
