// The filters and tests stock Jinja2 3.1 ships: a case that uses only these (and no lookup)
// is one any Jinja2 engine should get right, so it counts in the engine comparison.

/** Jinja2 3.1's builtin filter names. */
export const JINJA_FILTERS = new Set(
  'abs attr batch capitalize center count d default dictsort e escape filesizeformat first float forceescape format groupby indent int items join last length list lower map max min pprint random reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title tojson trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr'.split(' '),
);

/** Jinja2 3.1's builtin test names. */
export const JINJA_TESTS = new Set(
  'boolean callable defined divisibleby eq equalto escaped even false filter float ge gt greaterthan in integer iterable le lower lt lessthan mapping ne none number odd sameas sequence string test true undefined upper'.split(' '),
);

/** True if a template names only builtin filters and tests and calls no lookup. */
export function usesOnlyJinja(input: string): boolean {
  if (/\b(lookup|query|q)\s*\(/.test(input)) return false;
  for (const m of input.matchAll(/\|\s*([A-Za-z_]\w*)/g)) if (!JINJA_FILTERS.has(m[1]!)) return false;
  for (const m of input.matchAll(/\bis\s+(?:not\s+)?([A-Za-z_]\w*)/g)) if (!JINJA_TESTS.has(m[1]!)) return false;
  // select('even'), map('upper'), selectattr('x', 'defined'): the named filter or test
  for (const m of input.matchAll(/\b(?:select|reject|selectattr|rejectattr|map)\(\s*(?:'[^']*'\s*,\s*)?'([A-Za-z_]\w*)'/g)) {
    if (!JINJA_FILTERS.has(m[1]!) && !JINJA_TESTS.has(m[1]!) && m[1] !== 'attribute') return false;
  }
  return true;
}
