// flattened: every nested list flattened into one (community.general's with_flattened).
import { LookupError, type LookupRun } from './types.js';

function oneListDeep(term: unknown): unknown {
  while (Array.isArray(term) && term.length === 1) term = term[0];
  return term;
}

function flattenAll(terms: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let term of terms) {
    term = oneListDeep(term);
    // Ansible stops at a 'None'/'null' term
    if (term === 'None' || term === 'null') break;
    if (Array.isArray(term)) out.push(...flattenAll(term));
    else out.push(term);
  }
  return out;
}

/** `[1, [2, [3]]]` gives `[1, 2, 3]`. */
export const flattened: LookupRun = (terms) => {
  if (!Array.isArray(terms)) throw new LookupError('with_flattened expects a list');
  return flattenAll(terms);
};
