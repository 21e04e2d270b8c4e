// fetch: a file from the target to the controller, written atomically.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { writeAtomic } from '../../connections/local.js';
import { sha1, statPath } from '../remote/file-state.js';
import type { ModuleDef } from '../types.js';

/**
 * Where a fetched file goes: dest/HOST/SRC, or with flat dest itself (dest/ + src's name).
 * Never outside dest: a `..` in the host name, or one in src that leaves dest/HOST, is refused.
 */
export function localDest(destArg: string, host: string, src: string, flat: boolean): string | { error: string } {
  const root = resolve(destArg);
  if (flat && !destArg.endsWith('/')) return root;
  const name = src.split('/').pop()!;
  if (flat) {
    if (!name || name === '.' || name === '..') return { error: `fetch: '${src}' does not name a file to put in ${destArg}` };
    return join(root, name);
  }
  // `namespace/pod` names are nested directories, as Ansible would make them; `..` or empty parts are refused
  if (host.split('/').some((part) => part === '' || part === '.' || part === '..')) return { error: `fetch: the host name '${host}' cannot be a directory under ${destArg}` };
  const base = join(root, host);
  const dest = join(base, src);
  if (!dest.startsWith(`${base}${sep}`)) return { error: `Detected directory traversal, expected to be contained in '${base}' but got '${dest}'` };
  return dest;
}

/** Ansible's fetch module. */
export const fetchModule: ModuleDef = {
  name: 'fetch',
  supportsCheck: true,
  args: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true },
    flat: { type: 'bool', default: false },
    fail_on_missing: { type: 'bool', default: true },
    validate_checksum: { type: 'bool', default: true },
  },
  async run(ctx) {
    const src = String(ctx.args.src);
    const destArg = String(ctx.args.dest);
    const dest = localDest(destArg, ctx.host, src, Boolean(ctx.args.flat));
    if (typeof dest !== 'string') return { changed: false, failed: true, file: src, msg: dest.error };
    // an unchanged file is not transferred at all: the remote sha1sum against the local copy's
    if (existsSync(dest)) {
      const local = sha1(readFileSync(dest));
      const st = await statPath(ctx, src, true, true).catch(() => undefined);
      if (st?.exists && st.type === 'file' && st.checksum === local) return { changed: false, checksum: local, dest, file: src, remote_checksum: local };
    }
    let data: Buffer;
    try {
      data = await ctx.conn.get(src, { become: ctx.become });
    } catch (err) {
      const msg = `the remote file does not exist, not transferring, ignored`;
      return ctx.args.fail_on_missing ? { changed: false, failed: true, file: src, msg: `file not found: ${src}` } : { changed: false, file: src, msg, detail: (err as Error).message };
    }
    const remote = sha1(data);
    const local = existsSync(dest) ? sha1(readFileSync(dest)) : undefined;
    if (local === remote) return { changed: false, checksum: remote, dest, file: src, remote_checksum: remote };
    if (!ctx.check) {
      mkdirSync(dirname(dest), { recursive: true });
      // a fetched file replacing one here keeps that file's mode; a new one gets 0666 minus the umask, as Ansible
      await writeAtomic(dest, data);
      if (ctx.args.validate_checksum && sha1(readFileSync(dest)) !== remote) return { changed: true, failed: true, dest, msg: 'checksum mismatch after fetch' };
    }
    return { changed: true, checksum: remote, dest, remote_checksum: remote, remote_md5sum: null };
  },
};
