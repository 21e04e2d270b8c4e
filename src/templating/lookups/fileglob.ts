// fileglob: controller files matching a shell pattern, in files/ of the role or playbook.
import { opendirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findInSearchPath, searchBases } from './search-path.js';
import type { LookupRun } from './types.js';

/** Python's fnmatch as glob uses it: * ? [seq] [!seq]; a leading dot is matched only by a dot. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && pattern.indexOf(']', i + 2) > i) {
      const end = pattern.indexOf(']', i + 2);
      let set = pattern.slice(i + 1, end);
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      re += `[${set.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function globIn(dir: string, pattern: string): string[] {
  const re = globRegExp(pattern);
  // opendir reads in the directory's order, as Python's listdir (readdir's list is sorted)
  const names: string[] = [];
  try {
    const d = opendirSync(dir);
    for (let e = d.readSync(); e; e = d.readSync()) names.push(e.name);
    d.closeSync();
  } catch {
    return [];
  }
  return names
    .filter((n) => re.test(n) && (!n.startsWith('.') || pattern.startsWith('.')))
    .map((n) => join(dir, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/** The first search directory with matches wins, in the directory's own order (as Python's glob). */
export const fileglob: LookupRun = (terms, _options, ctx) =>
  terms.flatMap((t) => {
    const term = String(t);
    const file = basename(term);
    const dirs = file !== term ? [findInSearchPath(ctx.vars, 'files', dirname(term))] : searchBases(ctx.vars).flatMap((b) => [join(b, 'files'), b]);
    for (const d of dirs) {
      if (!d) continue;
      const found = globIn(d, file);
      if (found.length) return found;
    }
    return [];
  });
