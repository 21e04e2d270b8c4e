// community.general.dict: Python's dict() of a sequence of pairs (or of a mapping), the filter
// form playbooks write as `keys | zip(values) | community.general.dict`.
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { pyStr } from './python-repr.js';

/** `pairs | community.general.dict`. */
function dictOf(seq: unknown): Record<string, unknown> {
  if (typeof seq === 'object' && seq !== null && !Array.isArray(seq) && Object.getPrototypeOf(seq) === Object.prototype) return { ...(seq as Record<string, unknown>) };
  const items = typeof seq === 'string' ? [...seq] : Array.isArray(seq) ? seq : undefined;
  if (!items) throw new TemplateError(`'${pyTypeName(seq)}' object is not iterable`);
  const out: Record<string, unknown> = {};
  items.forEach((pair, i) => {
    const kv = typeof pair === 'string' ? [...pair] : Array.isArray(pair) ? pair : undefined;
    if (!kv) throw new TemplateError(`cannot convert dictionary update sequence element #${i} to a sequence`);
    if (kv.length !== 2) throw new TemplateError(`dictionary update sequence element #${i} has length ${kv.length}; 2 is required`);
    out[pyStr(kv[0])] = kv[1];
  });
  return out;
}

/** The filter, by its collection name. */
export const GENERAL_DICT_FILTERS = { 'community.general.dict': dictOf };
