// indexed_items: [index, item] pairs of the terms flattened one level.
import { pyTuple } from '../python-tuple.js';
import { flattenOnce } from './flatten.js';
import type { LookupRun } from './types.js';

/** with_indexed_items: `[0, a], [1, b]`. */
export const indexedItems: LookupRun = (terms) => flattenOnce(terms).map((item, i) => pyTuple([i, item]));
