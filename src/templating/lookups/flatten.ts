// LookupBase._flatten: lists among the terms are spliced in one level deep.
/** One level of flattening, as Ansible's with_items and friends do. */
export function flattenOnce(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

/** A term as Ansible's listify_lookup_plugin_terms leaves it: a string or scalar becomes a one-item list. */
export function listify(term: unknown): unknown[] {
  return Array.isArray(term) ? term : [term];
}
