// stat: facts about a path; never changes anything.
import { quote } from '../../connections/shell-quote.js';
import { statPath } from '../remote/file-state.js';
import type { ModuleContext, ModuleDef } from '../types.js';

/** Ansible's stat module. */
export const statModule: ModuleDef = {
  name: 'stat',
  supportsCheck: true,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    follow: { type: 'bool', default: false },
    get_checksum: { type: 'bool', default: true },
    checksum_algorithm: { type: 'str', default: 'sha1', choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], aliases: ['checksum', 'checksum_algo'] },
    get_mime: { type: 'bool', default: true, aliases: ['mime', 'mime_type', 'mime-type'] },
    get_attributes: { type: 'bool', default: true, aliases: ['attr', 'attributes'] },
  },
  async run(ctx) {
    const path = String(ctx.args.path);
    let target = path;
    if (ctx.args.follow) {
      const r = await ctx.conn.exec(`readlink -f ${quote(path)}`, { become: ctx.become });
      if (r.rc === 0 && r.stdout.trim()) target = r.stdout.trim();
    }
    const st = await statPath(ctx, target, false);
    if (!st.exists) return { changed: false, stat: { exists: false } };
    const modeNum = parseInt(st.mode ?? '0', 8);
    const stat: Record<string, unknown> = {
      exists: true,
      path,
      mode: st.mode,
      isdir: st.type === 'directory',
      isreg: st.type === 'file',
      islnk: st.type === 'link',
      uid: st.uid,
      gid: st.gid,
      pw_name: st.owner,
      gr_name: st.group,
      size: st.size,
      mtime: st.mtime,
      atime: st.atime,
      readable: true,
      executable: (modeNum & 0o111) !== 0,
      xusr: (modeNum & 0o100) !== 0,
      wusr: (modeNum & 0o200) !== 0,
      rusr: (modeNum & 0o400) !== 0,
    };
    if (st.type === 'link') stat.lnk_source = st.linkTarget?.startsWith('/') ? st.linkTarget : `${path.replace(/\/[^/]*$/, '')}/${st.linkTarget}`;
    if (st.type === 'link') stat.lnk_target = st.linkTarget;
    if (st.type === 'file' && ctx.args.get_checksum) {
      const algo = String(ctx.args.checksum_algorithm);
      const r = await ctx.conn.exec(`${algo}sum < ${quote(target)}`, { become: ctx.become });
      if (r.rc === 0) stat.checksum = r.stdout.split(' ')[0];
    }
    if (ctx.args.get_mime || ctx.args.get_attributes) Object.assign(stat, await mimeAndAttributes(ctx, path, Boolean(ctx.args.get_mime), Boolean(ctx.args.get_attributes)));
    return { changed: false, stat };
  },
};

// lsattr's letters, as Ansible names them (module_utils/common/file.py FILE_ATTRIBUTES)
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize', i: 'immutable', I: 'indexed',
  j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete', X: 'compressedraw', Z: 'compresseddirty',
};

const SPLIT = '--drover-stat--';

/** get_mime (`file --mime-type --mime-encoding`) and get_attributes (`lsattr -vd`) as Ansible's stat reports them; 'unknown' or empty without the tools. */
async function mimeAndAttributes(ctx: ModuleContext, path: string, mime: boolean, attrs: boolean): Promise<Record<string, unknown>> {
  const p = quote(path);
  const r = await ctx.conn.exec(
    `if ${mime} && command -v file >/dev/null 2>&1; then file --mime-type --mime-encoding ${p} 2>/dev/null; fi; echo ${SPLIT}; if ${attrs} && command -v lsattr >/dev/null 2>&1; then lsattr -vd ${p} 2>/dev/null; fi; true`,
    { become: ctx.become },
  );
  const [fileOut = '', lsattrOut = ''] = r.stdout.split(`${SPLIT}\n`);
  const out: Record<string, unknown> = {};
  if (mime) {
    out.mimetype = out.charset = 'unknown';
    const parts = fileOut.trim().split(':').pop()!.split(';');
    if (fileOut.trim() && parts.length === 2) {
      out.mimetype = parts[0]!.trim();
      out.charset = (parts[1]!.split('=')[1] ?? '').trim();
    }
  }
  if (attrs) {
    Object.assign(out, { version: null, attributes: [], attr_flags: '' });
    const words = lsattrOut.trim().split(/\s+/);
    if (lsattrOut.trim() && words.length >= 2) {
      const flags = words[1]!.replace(/-/g, '').trim();
      Object.assign(out, { version: words[0]!.trim(), attr_flags: flags, attributes: [...flags].filter((f) => f in FILE_ATTRIBUTES).map((f) => FILE_ATTRIBUTES[f]) });
    }
  }
  return out;
}
