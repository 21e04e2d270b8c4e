// subelements: each item paired with each element of its sub-list (with_subelements).
import { pyRepr } from '../python-repr.js';
import { pyTuple } from '../python-tuple.js';
import { toBool } from './to-bool.js';
import { LookupError, type LookupRun } from './types.js';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => !!v && typeof v === 'object' && !Array.isArray(v);

const termsError = (msg = '') => new LookupError(`subelements lookup expects a list of two or three items, ${msg}`);

/** `[users, 'keys', {skip_missing: true}]` gives `[user, key]` pairs. */
export const subelements: LookupRun = (terms) => {
  if (terms.length < 2 || terms.length > 3) throw termsError();
  const [first, path] = terms;
  if (!(Array.isArray(first) || isDict(first)) || typeof path !== 'string') throw termsError('first a dict or a list, second a string pointing to the subkey');
  const flags = (terms[2] ?? {}) as Dict;
  if (!isDict(flags) || !Object.keys(flags).every((k) => k === 'skip_missing')) throw termsError("the optional third item must be a dict with flags ('skip_missing',)");
  const skipMissing = toBool(flags.skip_missing ?? false);
  const keys = path.split('.');
  let elements: unknown[];
  if (isDict(first)) {
    if (first.skipped !== undefined && first.skipped !== false) return [];
    elements = Object.values(first);
  } else elements = first;
  const out: unknown[] = [];
  for (const item of elements) {
    if (!isDict(item)) throw new LookupError(`subelements lookup expects a dictionary, got '${pyRepr(item)}'`);
    if (item.skipped !== undefined && item.skipped !== false) continue;
    // Ansible pops the sub-list out of the item it pairs (a copy here: the variable stays whole)
    const copy = structuredClone(item);
    let sub: Dict = copy;
    let sublist: unknown[] = [];
    keys.forEach((key, i) => {
      const last = i === keys.length - 1;
      if (!(key in sub)) {
        if (skipMissing) return;
        throw new LookupError(`could not find '${key}' key in iterated item '${pyRepr(sub)}'`);
      }
      if (!last) {
        if (!isDict(sub[key])) {
          if (skipMissing) return;
          throw new LookupError(`the key ${key} should point to a dictionary, got '${pyRepr(sub[key])}'`);
        }
        sub = sub[key] as Dict;
      } else {
        if (!Array.isArray(sub[key])) throw new LookupError(`the key ${key} should point to a list, got '${pyRepr(sub[key])}'`);
        sublist = sub[key] as unknown[];
        delete sub[key];
      }
    });
    for (const el of sublist) out.push(pyTuple([copy, el]));
  }
  return out;
};
