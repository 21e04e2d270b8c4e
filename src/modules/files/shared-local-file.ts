// One in-memory copy of a controller file for every host a task copies it to: forks that
// copy the same unchanged file share its bytes instead of each reading their own, so peak
// memory no longer grows with file size × forks. Held weakly: freed once no host needs it.
import { readFileSync, statSync } from 'node:fs';

const cache = new Map<string, WeakRef<Buffer>>();

/** The bytes of a local file, shared with every other reader of the same (path, size, mtime). */
export function readSharedLocalFile(path: string): Buffer {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  const hit = cache.get(key)?.deref();
  if (hit) return hit;
  const data = readFileSync(path);
  cache.set(key, new WeakRef(data));
  // forget entries whose bytes were collected, so the map stays small in long runs
  if (cache.size > 64) for (const [k, ref] of cache) if (!ref.deref()) cache.delete(k);
  return data;
}
