// file: controller file contents, found in files/ of the role or playbook.
import { readFileSync } from 'node:fs';
import { findInSearchPath } from './search-path.js';
import { toBool } from './to-bool.js';
import { checkOptions, type LookupRun } from './types.js';

/** Whitespace is stripped at the end (rstrip=true) and kept at the start (lstrip=false), as Ansible. */
export const file: LookupRun = (terms, options, ctx) => {
  checkOptions('file', options, ['lstrip', 'rstrip']);
  return terms.map((term) => {
    const path = findInSearchPath(ctx.vars, 'files', String(term));
    if (!path) throw new Error(`could not locate file in lookup: ${String(term)}`);
    let text = readFileSync(path, 'utf8');
    if (toBool(options.lstrip ?? false)) text = text.trimStart();
    if (toBool(options.rstrip ?? true)) text = text.trimEnd();
    return text;
  });
};
