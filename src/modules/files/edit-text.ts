// Shared by lineinfile, blockinfile and replace: read the file, let a pure function edit the
// text, then back up, write atomically and set attributes.
import { posix } from 'node:path';
import { quote } from '../../connections/shell-quote.js';
import { applyAttrs, attrResult, backupFile, normalizeMode, statPath, type PathStat } from '../remote/file-state.js';
import { runValidate, validateArgError } from '../remote/validate-content.js';
import { attrArg } from '../remote/write-content.js';
import type { ModuleContext, ModuleResult } from '../types.js';

export interface Edit {
  text: string;
  changed: boolean;
  msg: string;
}

/**
 * Apply `edit` to the file at path (missing file: `original` is undefined). As Ansible, a
 * symlink is followed to the real file, which keeps its owner, group and mode; `create`
 * makes missing parent directories.
 */
export async function editFile(ctx: ModuleContext, path: string, create: boolean, edit: (original: string | undefined) => Edit | ModuleResult, missingMsg?: string): Promise<ModuleResult> {
  const st: PathStat = await statPath(ctx, path, false, true);
  const real = st.realPath ?? path;
  if (st.type === 'directory') return { changed: false, failed: true, rc: 256, msg: `Path ${path} is a directory !` };
  if (!st.exists && !create) return { changed: false, failed: true, rc: 257, msg: missingMsg ?? `Destination ${path} does not exist !` };
  const original = st.exists ? (await ctx.conn.get(real, { become: ctx.become })).toString('utf8') : undefined;
  const out = edit(original);
  if (!('text' in out) || typeof out.text !== 'string') return out as ModuleResult;
  const e = out as Edit;
  const result: ModuleResult = { changed: e.changed, msg: e.msg };
  if (e.changed) {
    if (ctx.diff) result.diff = [{ before: original ?? '', after: e.text, before_header: `${path} (content)`, after_header: `${path} (content)` }];
    if (!ctx.check) {
      if (ctx.args.validate !== undefined && ctx.args.validate !== null) {
        const validate = String(ctx.args.validate);
        const bad = validateArgError(validate);
        if (bad) return { changed: false, failed: true, msg: bad };
        // as Ansible's lineinfile/blockinfile/replace: a 0600 temp file of the become user, and only rc and stderr in the message
        const r = await runValidate(ctx, validate, Buffer.from(e.text), posix.basename(real));
        if (r.rc !== 0) return { changed: false, failed: true, msg: `failed to validate: rc:${r.rc} error:${r.stderr}` };
      }
      if (ctx.args.backup && st.exists) result.backup = await backupFile(ctx, real);
      if (!st.exists) await makeParents(ctx, real);
      await ctx.conn.put(Buffer.from(e.text), real, { mode: normalizeMode(ctx.args.mode), owner: attrArg(ctx.args.owner), group: attrArg(ctx.args.group), become: ctx.become });
    }
  }
  const now = ctx.check ? { ...st, exists: true, type: 'file' as const } : await statPath(ctx, real, false);
  if (now.exists && (await applyAttrs(ctx, real, ctx.args, now))) {
    result.changed = true;
    result.msg = result.msg ? `${result.msg} and ownership, perms or SE linux context changed` : 'ownership, perms or SE linux context changed';
  }
  return { ...result, ...(ctx.check ? {} : { path, ...pick(attrResult(path, now)) }) };
}

/** mkdir -p of a new file's directory (lineinfile/blockinfile `create`, as Ansible's makedirs). */
async function makeParents(ctx: ModuleContext, file: string): Promise<void> {
  const r = await ctx.conn.exec(`mkdir -p ${quote(posix.dirname(file))}`, { become: ctx.become });
  if (r.rc !== 0) throw new Error(`could not create ${posix.dirname(file)}: ${r.stderr.trim()}`);
}

function pick(r: Record<string, unknown>): Record<string, unknown> {
  const { state: _s, size: _z, ...rest } = r;
  return rest;
}

/** Split into lines keeping their endings, like Python's readlines(). */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
