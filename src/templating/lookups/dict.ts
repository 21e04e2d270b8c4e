// dict: a mapping's entries as {key, value} items (with_dict).
import { LookupError, type LookupRun } from './types.js';

/** Each term must be a dict; its entries become `{key, value}` in order. */
export const dict: LookupRun = (terms) =>
  terms.flatMap((term) => {
    if (!term || typeof term !== 'object' || Array.isArray(term)) throw new LookupError('with_dict expects a dict');
    return Object.entries(term).map(([key, value]) => ({ key, value }));
  });
