// The write path copy and template share: compare checksums, back up, write atomically,
// set attributes; honest in check mode; before/after for --diff.
import { posix } from 'node:path';
import type { ModuleContext, ModuleResult } from '../types.js';
import { runValidate, validateArgError } from './validate-content.js';
import { applyAttrs, attrResult, backupFile, diffText, normalizeMode, sha1, statPath, type Attrs } from './file-state.js';

export interface WriteRequest extends Attrs {
  dest: string;
  content: Buffer;
  backup?: boolean;
  force?: boolean;
  /** For dest given as a directory: the file name to use inside it. */
  nameIfDir?: string;
  /** Ansible's `follow`: write through a symlink at dest to its target; without it the link is replaced by a file. */
  follow?: boolean;
  /** Ansible's `validate`: a command, %s the new content's temp file, that must exit 0 before dest is replaced. */
  validate?: unknown;
  /** copy's `checksum`: the SHA1 the content must have. */
  checksum?: unknown;
}

/** Put content at dest if it differs; returns Ansible's copy-shaped result. */
export async function writeContent(ctx: ModuleContext, req: WriteRequest): Promise<ModuleResult> {
  let dest = req.dest;
  let st = await statPath(ctx, dest);
  if ((dest.endsWith('/') || st.type === 'directory') && req.nameIfDir) {
    dest = posix.join(dest, req.nameIfDir);
    st = await statPath(ctx, dest);
  } else if (st.type === 'directory') {
    return { changed: false, failed: true, msg: `can not use content with a dir as dest` };
  }
  if (st.type === 'link' && req.follow) {
    st = await statPath(ctx, dest, true, true);
    dest = st.realPath ?? dest;
  }
  const checksum = sha1(req.content);
  // copy's `checksum`: the content must be what the playbook expected, before anything is written
  if (req.checksum !== undefined && req.checksum !== null && req.checksum !== '' && String(req.checksum) !== checksum) {
    return { changed: false, failed: true, msg: 'Copied file does not match the expected checksum. Transfer failed.', checksum, expected_checksum: String(req.checksum) };
  }
  const result: ModuleResult = { changed: false, dest, checksum, size: req.content.length };
  if (st.exists && req.force === false) return { ...result, ...attrResult(dest, st), changed: false, msg: 'file already exists' };
  const parent = posix.dirname(dest);
  if (!st.exists) {
    const pst = await statPath(ctx, parent, false);
    if (!pst.exists) {
      // as Ansible: check mode predicts the write (an earlier task may create the directory), a real run fails
      if (ctx.check) {
        if (ctx.diff) result.diff = [{ before: '', after: diffText(req.content), before_header: dest, after_header: dest }];
        return { ...result, changed: true, msg: `Destination directory ${parent} does not exist yet` };
      }
      return { ...result, failed: true, msg: `Destination directory ${parent} does not exist` };
    }
  }
  let changed = false;
  // a link that is not followed is replaced by a regular file even with the same content, as Ansible
  if (!st.exists || st.type === 'link' || st.checksum !== checksum) {
    changed = true;
    if (ctx.diff) {
      const before = st.exists && st.type === 'file' ? diffText(await ctx.conn.get(dest, { become: ctx.become })) : '';
      result.diff = [{ before, after: diffText(req.content), before_header: dest, after_header: dest }];
    }
    if (!ctx.check) {
      if (req.validate !== undefined && req.validate !== null) {
        const refused = await validateWrite(ctx, String(req.validate), req.content, posix.basename(dest), { mode: normalizeMode(req.mode), owner: attrArg(req.owner), group: attrArg(req.group) });
        if (refused) return { ...refused, checksum };
      }
      if (req.backup && st.type === 'file') result.backup_file = await backupFile(ctx, dest);
      // put keeps a replaced file's owner, group and mode; asked ones are set before the rename
      await ctx.conn.put(req.content, dest, { mode: normalizeMode(req.mode), owner: attrArg(req.owner), group: attrArg(req.group), become: ctx.become });
    }
  }
  const after = ctx.check && changed ? { ...st, exists: true, type: 'file' as const } : await statPath(ctx, dest, false);
  if (after.exists && (await applyAttrs(ctx, dest, req, after))) changed = true;
  const final = ctx.check ? after : await statPath(ctx, dest, false);
  return { ...result, ...attrResult(dest, final), dest, changed, state: 'file' };
}

/** copy and template's validate: undefined when the content passed, else Ansible's failure (dest untouched). */
async function validateWrite(ctx: ModuleContext, validate: string, content: Buffer, name: string, attrs: Parameters<typeof runValidate>[4]): Promise<ModuleResult | undefined> {
  const bad = validateArgError(validate);
  if (bad) return { changed: false, failed: true, msg: bad };
  const r = await runValidate(ctx, validate, content, name, attrs);
  if (r.rc === 0) return undefined;
  return { changed: false, failed: true, msg: 'failed to validate', exit_status: r.rc, stdout: r.stdout, stderr: r.stderr };
}

/** An owner/group argument for put, or undefined when not given. */
export function attrArg(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}
