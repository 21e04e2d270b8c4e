// blockinfile: a marked block of lines, inserted, updated or removed as a unit.
import { pyRegex } from '../../templating/filters.js';
import type { ModuleDef } from '../types.js';
import { editFile, type Edit } from './edit-text.js';

/** The block edit, pure: exported for unit tests. */
export function blockInFile(original: string | undefined, a: Record<string, unknown>): Edit {
  const marker = String(a.marker ?? '# {mark} ANSIBLE MANAGED BLOCK');
  const begin = marker.replace('{mark}', String(a.marker_begin ?? 'BEGIN'));
  const end = marker.replace('{mark}', String(a.marker_end ?? 'END'));
  const block = a.block === undefined || a.block === null ? '' : String(a.block);
  const present = a.state !== 'absent' && block !== '';
  const lines = original === undefined || original === '' ? [] : original.replace(/\n$/, '').split('\n');
  let n0 = -1;
  let n1 = -1;
  lines.forEach((l, i) => {
    if (l === begin) n0 = i;
    if (l === end) n1 = i;
  });
  const blockLines = present ? [begin, ...block.replace(/\n$/, '').split('\n'), end] : [];
  if (n0 === -1 || n1 === -1) {
    const after = a.insertafter !== undefined && a.insertafter !== null ? String(a.insertafter) : undefined;
    const before = a.insertbefore !== undefined && a.insertbefore !== null ? String(a.insertbefore) : undefined;
    n0 = lines.length;
    if (before === 'BOF') n0 = 0;
    else if (after && after !== 'EOF') {
      const re = pyRegex(after);
      lines.forEach((l, i) => { if (re.test(l)) n0 = i + 1; });
    } else if (before) {
      const re = pyRegex(before);
      lines.forEach((l, i) => { if (re.test(l)) n0 = i; });
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  // Ansible 2.16's prepend_newline/append_newline: a blank line between the block and its neighbours, unless one is there or it is the file's edge
  const wanted = a.state !== 'absent';
  if (a.prepend_newline && wanted && n0 !== 0 && lines[n0 - 1] !== '') lines.splice(n0++, 0, '');
  lines.splice(n0, 0, ...blockLines);
  const next = n0 + blockLines.length;
  if (a.append_newline && wanted && next < lines.length && lines[next] !== '') lines.splice(next, 0, '');
  let text = lines.join('\n');
  if (lines.length && (original === undefined || original.endsWith('\n') || original === '')) text += '\n';
  const changed = text !== (original ?? '');
  return { text, changed, msg: changed ? (present ? (original !== undefined && original.includes(begin) ? 'Block inserted' : 'Block inserted') : 'Block removed') : '' };
}

/** Ansible's blockinfile module. */
export const blockinfileModule: ModuleDef = {
  name: 'blockinfile',
  supportsCheck: true,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    block: { type: 'str', default: '', aliases: ['content'] },
    marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
    marker_begin: { type: 'str', default: 'BEGIN' },
    marker_end: { type: 'str', default: 'END' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    create: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    validate: { type: 'str' },
    append_newline: { type: 'bool', default: false },
    prepend_newline: { type: 'bool', default: false },
  },
  async run(ctx) {
    return editFile(ctx, String(ctx.args.path), Boolean(ctx.args.create), (orig) => blockInFile(orig, ctx.args), `Path ${ctx.args.path} does not exist !`);
  },
};
