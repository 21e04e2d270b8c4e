// items: the terms, lists among them flattened one level (with_items).
import { flattenOnce } from './flatten.js';
import type { LookupRun } from './types.js';

/** with_items flattens one level. */
export const items: LookupRun = (terms) => flattenOnce(terms);
