// A module result's `diff` (before/after pairs) as unified diff lines, the way Ansible's
// default callback shows them under a changed task with --diff.
import { createTwoFilesPatch } from 'diff';
import { styleText } from 'node:util';

interface DiffPart {
  before?: unknown;
  after?: unknown;
  before_header?: unknown;
  after_header?: unknown;
}

/** Unified diff text for every before/after pair in a result's `diff`; '' when there is none. */
export function formatDiff(diff: unknown, color = false): string {
  const parts = (Array.isArray(diff) ? diff : diff ? [diff] : []) as DiffPart[];
  const out: string[] = [];
  for (const d of parts) {
    if (typeof d?.before !== 'string' || typeof d?.after !== 'string' || d.before === d.after) continue;
    const patch = createTwoFilesPatch(`before: ${String(d.before_header ?? '')}`.trimEnd(), `after: ${String(d.after_header ?? '')}`.trimEnd(), d.before, d.after, undefined, undefined, { context: 3 });
    // the first line is jsdiff's "====" separator; Ansible starts at ---
    for (const line of patch.split('\n').slice(1)) {
      if (!line) continue;
      if (!color) out.push(line);
      else if (line.startsWith('+++') || line.startsWith('---')) out.push(styleText('bold', line));
      else if (line.startsWith('+')) out.push(styleText('green', line));
      else if (line.startsWith('-')) out.push(styleText('red', line));
      else if (line.startsWith('@@')) out.push(styleText('cyan', line));
      else out.push(line);
    }
  }
  return out.join('\n');
}
