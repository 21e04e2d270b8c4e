// stat: facts about a path; never changes anything.
import { quote } from '../../connections/shell-quote.js';
import { statPath } from '../remote/file-state.js';
import type { ModuleDef } from '../types.js';

/** Ansible's stat module. */
export const statModule: ModuleDef = {
  name: 'stat',
  supportsCheck: true,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    follow: { type: 'bool', default: false },
    get_checksum: { type: 'bool', default: true },
    checksum_algorithm: { type: 'str', default: 'sha1', choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], aliases: ['checksum', 'checksum_algo'] },
    get_mime: { type: 'bool', default: true },
    get_attributes: { type: 'bool', default: true },
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
    return { changed: false, stat };
  },
};
