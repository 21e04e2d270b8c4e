// Snapshot of a directory tree (paths, types, modes, contents, link targets) for comparing
// what two tools left behind.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** path -> "type mode content" with `root` replaced by ROOT so two roots compare equal. */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(p).split(root).join('ROOT')}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${mode}`;
        walk(p);
      } else out[rel] = `file ${mode} ${readFileSync(p, 'utf8').split(root).join('ROOT')}`;
    }
  };
  walk(root);
  return out;
}
