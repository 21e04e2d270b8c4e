// `validate` of copy, template, lineinfile, blockinfile and replace, as Ansible runs it: the
// new content goes to a temp file, the command (with %s as that file) runs on the target as
// the become user, and only a zero exit lets the write go on. The temp file lives in a private
// (0700) directory made for it and is removed whatever happens.
import { posix } from 'node:path';
import { envPrefix, quote } from '../../connections/shell-quote.js';
import type { ExecResult, PutOptions } from '../../connections/types.js';
import { expandingWord } from '../commands/expand-argv.js';
import { shlexSplit } from '../commands/shlex.js';
import type { ModuleContext } from '../types.js';

/** Ansible's refusal of a validate command that does not name the file (made only when a write is due, as there). */
export function validateArgError(validate: string): string | undefined {
  return validate.includes('%s') ? undefined : `validate must contain %s: ${validate}`;
}

/**
 * The command as sh text: split like Ansible's run_command (no shell: a pipe is a word),
 * %s is the temp file (quoted), %% a %, and $VAR and ~ expand on the target as run_command does.
 */
export function validateLine(validate: string, file: string): string {
  return shlexSplit(validate)
    .map((word) => word.split(/(%%|%s)/).map((part) => (part === '%s' ? quote(file) : expandingWord(part === '%%' ? '%' : part))).filter((p) => p !== "''").join('') || "''")
    .join(' ');
}

/**
 * Write content to a private temp file (with `attrs`: copy and template set the asked mode,
 * owner and group first, as Ansible does, since some validators check them), run the validate
 * command on it, remove it. Returns the command's rc, stdout and stderr.
 */
export async function runValidate(ctx: ModuleContext, validate: string, content: Buffer, name: string, attrs: Pick<PutOptions, 'mode' | 'owner' | 'group'> = {}): Promise<ExecResult> {
  const become = ctx.become;
  const dir = await ctx.conn.exec('umask 077 && mktemp -d', { become });
  const tmpDir = dir.stdout.trim();
  if (dir.rc !== 0 || !tmpDir.startsWith('/')) throw new Error(`validate: could not make a temp directory on the target: ${dir.stderr.trim() || dir.stdout.trim()}`);
  try {
    const file = posix.join(tmpDir, name.replace(/^\.+/, '') || 'content');
    await ctx.conn.put(content, file, { mode: attrs.mode ?? '0600', owner: attrs.owner, group: attrs.group, become });
    return await ctx.conn.exec(`${envPrefix(ctx.environment)}${validateLine(validate, file)}`, { become, signal: ctx.signal });
  } finally {
    await ctx.conn.exec(`rm -rf ${quote(tmpDir)}`, { become });
  }
}
