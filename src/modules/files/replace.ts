// replace: every match of a (multiline, Python-style) regex, optionally between after/before.
import { pyRegex, pyReplacement } from '../../templating/filters.js';
import type { ModuleDef } from '../types.js';
import { editFile, type Edit } from './edit-text.js';

/** The replacement, pure: exported for unit tests. */
export function replaceIn(original: string, a: Record<string, unknown>): Edit {
  let start = 0;
  let end = original.length;
  if (a.after) {
    const m = pyRegex(String(a.after), 'm').exec(original);
    if (m) start = m.index + m[0].length;
  }
  if (a.before) {
    const m = pyRegex(String(a.before), 'm').exec(original.slice(start));
    if (m) end = start + m.index;
  }
  const section = original.slice(start, end);
  const re = pyRegex(String(a.regexp), 'gm');
  const count = [...section.matchAll(re)].length;
  const replaced = section.replace(re, pyReplacement(String(a.replace ?? '')));
  const text = original.slice(0, start) + replaced + original.slice(end);
  return { text, changed: text !== original, msg: count && text !== original ? `${count} replacements made` : '' };
}

/** Ansible's replace module. */
export const replaceModule: ModuleDef = {
  name: 'replace',
  supportsCheck: true,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    regexp: { type: 'str', required: true },
    replace: { type: 'str', default: '' },
    after: { type: 'str' },
    before: { type: 'str' },
    backup: { type: 'bool', default: false },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    validate: { type: 'str' },
    // the file is read and written as UTF-8; another encoding is refused rather than ignored
    encoding: { type: 'str', default: 'utf-8', choices: ['utf-8', 'utf8', 'UTF-8', 'UTF8'] },
  },
  async run(ctx) {
    return editFile(ctx, String(ctx.args.path), false, (orig) => replaceIn(orig ?? '', ctx.args), `Path ${ctx.args.path} does not exist !`);
  },
};
