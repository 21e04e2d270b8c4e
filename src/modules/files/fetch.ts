// fetch: a file from the target to the controller, written atomically.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAtomic } from '../../connections/local.js';
import { sha1 } from '../remote/file-state.js';
import type { ModuleDef } from '../types.js';

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
    const dest = ctx.args.flat ? (destArg.endsWith('/') ? join(destArg, src.split('/').pop()!) : destArg) : join(destArg, ctx.host, src);
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
      await writeAtomic(dest, data, 0o644);
      if (ctx.args.validate_checksum && sha1(readFileSync(dest)) !== remote) return { changed: true, failed: true, dest, msg: 'checksum mismatch after fetch' };
    }
    return { changed: true, checksum: remote, dest, remote_checksum: remote, remote_md5sum: null };
  },
};
