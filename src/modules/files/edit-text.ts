// Shared by lineinfile, blockinfile and replace: read the file, let a pure function edit the
// text, then back up, write atomically and set attributes.
import { applyAttrs, attrResult, backupFile, statPath, type PathStat } from '../remote/file-state.js';
import type { ModuleContext, ModuleResult } from '../types.js';

export interface Edit {
  text: string;
  changed: boolean;
  msg: string;
}

/** Apply `edit` to the file at path (missing file: `original` is undefined). */
export async function editFile(ctx: ModuleContext, path: string, create: boolean, edit: (original: string | undefined) => Edit | ModuleResult, missingMsg?: string): Promise<ModuleResult> {
  const st: PathStat = await statPath(ctx, path, false);
  if (st.type === 'directory') return { changed: false, failed: true, rc: 256, msg: `Path ${path} is a directory !` };
  if (!st.exists && !create) return { changed: false, failed: true, rc: 257, msg: missingMsg ?? `Destination ${path} does not exist !` };
  const original = st.exists ? (await ctx.conn.get(path, { become: ctx.become })).toString('utf8') : undefined;
  const out = edit(original);
  if (!('text' in out) || typeof out.text !== 'string') return out as ModuleResult;
  const e = out as Edit;
  const result: ModuleResult = { changed: e.changed, msg: e.msg };
  if (e.changed) {
    if (ctx.diff) result.diff = [{ before: original ?? '', after: e.text, before_header: `${path} (content)`, after_header: `${path} (content)` }];
    if (!ctx.check) {
      if (ctx.args.backup && st.exists) result.backup = await backupFile(ctx, path);
      await ctx.conn.put(Buffer.from(e.text), path, { mode: st.exists ? st.mode : undefined, become: ctx.become });
    }
  }
  const now = ctx.check ? { ...st, exists: true, type: 'file' as const } : await statPath(ctx, path, false);
  if (now.exists && (await applyAttrs(ctx, path, ctx.args, now))) {
    result.changed = true;
    result.msg = result.msg ? `${result.msg} and ownership, perms or SE linux context changed` : 'ownership, perms or SE linux context changed';
  }
  return { ...result, ...(ctx.check ? {} : { path, ...pick(attrResult(path, now)) }) };
}

function pick(r: Record<string, unknown>): Record<string, unknown> {
  const { state: _s, size: _z, ...rest } = r;
  return rest;
}

/** Split into lines keeping their endings, like Python's readlines(). */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
