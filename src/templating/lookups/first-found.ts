// first_found: the first existing file of a list, as a path (files/paths/skip).
import { findInSearchPath } from './search-path.js';
import { toBool } from './to-bool.js';
import { checkOptions, LookupError, type LookupContext, type LookupRun } from './types.js';

const splitOn = (v: unknown, chars: RegExp): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.flatMap((x) => splitOn(x, chars)) : String(v).split(chars));

function candidates(terms: unknown[], options: Record<string, unknown>, ctx: LookupContext): { search: string[]; skip: boolean } {
  let search: string[] = [];
  let skip = false;
  for (const term of terms) {
    let opts: Record<string, unknown>;
    if (term && typeof term === 'object' && !Array.isArray(term)) opts = term as Record<string, unknown>;
    else if (typeof term === 'string') opts = options;
    else if (Array.isArray(term)) {
      const inner = candidates(term, options, ctx);
      search.push(...inner.search);
      skip = inner.skip;
      continue;
    } else throw new LookupError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeof term} for ${String(term)}`);
    checkOptions('first_found', opts, ['files', 'paths', 'skip']);
    const files = splitOn(opts.files, /[,;]/);
    const paths = splitOn(opts.paths, /[,:;]/);
    skip = toBool(opts.skip ?? false);
    if (paths.length) for (const p of paths) for (const f of files) search.push(`${p}/${f}`.replace(/\/+/g, '/'));
    else if (files.length) search = files;
    else search.push(String(term));
  }
  return { search, skip };
}

/** A candidate with an undefined variable is passed over; none found is an error unless skip=true. */
export const firstFound: LookupRun = (terms, options, ctx) => {
  const { search, skip } = candidates(terms, options, ctx);
  for (const c of search) {
    let name: string;
    try {
      name = String(ctx.templar.render(c, ctx.vars));
    } catch {
      continue;
    }
    const path = findInSearchPath(ctx.vars, ctx.subdir ?? 'files', name);
    if (path) return [path];
  }
  if (skip) return [];
  throw new LookupError('No file was found when using first_found.');
};
