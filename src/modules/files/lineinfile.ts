// lineinfile: make sure one line is present (or absent), Ansible's matching rules.
import { pyRegex, pyReplacement } from '../../templating/filters.js';
import type { ModuleDef } from '../types.js';
import { statPath } from '../remote/file-state.js';
import { editFile, readLines, type Edit } from './edit-text.js';

function strip(l: string): string {
  return l.replace(/[\r\n]+$/, '');
}

/** The line edit itself, pure: exported for unit tests. */
export function lineInFile(original: string | undefined, a: Record<string, unknown>): Edit {
  const lines = readLines(original ?? '');
  const line = a.line === undefined || a.line === null ? undefined : String(a.line);
  const re = a.regexp !== undefined && a.regexp !== null ? pyRegex(String(a.regexp)) : undefined;
  const search = a.search_string !== undefined && a.search_string !== null ? String(a.search_string) : undefined;
  const matches = (l: string): RegExpExecArray | boolean | null => (re ? re.exec(strip(l)) : search !== undefined ? strip(l).includes(search) : line !== undefined && strip(l) === line);
  if (a.state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    const removed = lines.length - kept.length;
    return { text: kept.join(''), changed: removed > 0, msg: removed ? `${removed} line(s) removed` : '' };
  }
  if (line === undefined) throw new Error('line is required with state=present');
  const after = a.insertafter !== undefined && a.insertafter !== null ? String(a.insertafter) : undefined;
  const before = a.insertbefore !== undefined && a.insertbefore !== null ? String(a.insertbefore) : undefined;
  const insRe = after && after !== 'EOF' && after !== 'BOF' ? pyRegex(after) : before && before !== 'BOF' ? pyRegex(before) : undefined;
  let found = -1;
  let m: RegExpExecArray | null = null;
  let ins = -1;
  let exact = false;
  lines.forEach((l, i) => {
    const hit = matches(l);
    if (hit) {
      found = i;
      if (hit instanceof Array) m = hit as RegExpExecArray;
    } else if (insRe && insRe.exec(strip(l))) {
      if (after) ins = i + 1;
      else if (before && (!a.firstmatch || ins === -1)) ins = i;
    }
    if ((re || search !== undefined) && strip(l) === line) exact = true;
  });
  if (a.firstmatch && insRe) {
    ins = -1;
    for (let i = 0; i < lines.length; i++) if (insRe.exec(strip(lines[i]!))) {
      ins = after ? i + 1 : i;
      break;
    }
  }
  const eol = '\n';
  if (found !== -1) {
    let newLine = line;
    if (a.backrefs && m) newLine = (m as RegExpExecArray)[0].replace(pyRegex(String(a.regexp)), pyReplacement(line));
    if (strip(lines[found]!) !== newLine) {
      lines[found] = newLine + eol;
      return { text: lines.join(''), changed: true, msg: 'line replaced' };
    }
    return { text: lines.join(''), changed: false, msg: '' };
  }
  if (a.backrefs) return { text: lines.join(''), changed: false, msg: '' };
  if (exact) return { text: lines.join(''), changed: false, msg: '' };
  if (before === 'BOF' || after === 'BOF') {
    lines.unshift(line + eol);
    return { text: lines.join(''), changed: true, msg: 'line added' };
  }
  if (after === 'EOF' || ins === -1) {
    if (lines.length && !lines[lines.length - 1]!.endsWith('\n')) lines[lines.length - 1] += eol;
    lines.push(line + eol);
    return { text: lines.join(''), changed: true, msg: 'line added' };
  }
  if (after) {
    if (ins === lines.length) {
      if (strip(lines[ins - 1]!) === line) return { text: lines.join(''), changed: false, msg: '' };
      if (!lines[ins - 1]!.endsWith('\n')) lines[ins - 1] += eol;
      lines.push(line + eol);
    } else if (strip(lines[ins]!) !== line) lines.splice(ins, 0, line + eol);
    else return { text: lines.join(''), changed: false, msg: '' };
    return { text: lines.join(''), changed: true, msg: 'line added' };
  }
  if (ins <= 0 ? strip(lines[ins] ?? '') !== line : strip(lines[ins - 1]!) !== line) {
    lines.splice(Math.max(ins, 0), 0, line + eol);
    return { text: lines.join(''), changed: true, msg: 'line added' };
  }
  return { text: lines.join(''), changed: false, msg: '' };
}

/** Ansible's lineinfile module. */
export const lineinfileModule: ModuleDef = {
  name: 'lineinfile',
  supportsCheck: true,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    line: { type: 'str', aliases: ['value'] },
    regexp: { type: 'str', aliases: ['regex'] },
    search_string: { type: 'str' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    firstmatch: { type: 'bool', default: false },
    create: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    backrefs: { type: 'bool', default: false },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    validate: { type: 'str' },
  },
  async run(ctx) {
    if (ctx.args.state === 'absent') {
      const st = await statPath(ctx, String(ctx.args.path), false, true);
      if (!st.exists) return { changed: false, found: 0, msg: 'file not present' };
    }
    return editFile(ctx, String(ctx.args.path), Boolean(ctx.args.create), (orig) => lineInFile(orig, ctx.args));
  },
};
