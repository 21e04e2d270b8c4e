// list: the terms as they are (with_list).
import type { LookupRun } from './types.js';

/** with_list keeps nested lists. */
export const list: LookupRun = (terms) => terms;
