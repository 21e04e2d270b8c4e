// File transfer over pod exec with nothing but sh in the pod: a one-file tar archive into
// `tar -x` when the pod has tar (as kubectl cp does), else the raw bytes into `cat` (exec
// frames are binary, so no encoding is needed). Reads come back the same two ways.
import { posix } from 'node:path';
import { extract, pack } from 'tar-stream';
import { quote } from '../shell-quote.js';

/** A tar archive holding one regular file `name` (no directories, owner 0: see writeScript). */
export async function tarOneFile(name: string, content: Buffer, mode: number): Promise<Buffer> {
  const p = pack();
  p.entry({ name, mode, size: content.length, mtime: new Date(), uid: 0, gid: 0, type: 'file' }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes of the one entry of a `tar c` of `what`; throws unless it is a regular file. */
export async function untarOneFile(archive: Buffer, what: string): Promise<Buffer> {
  const x = extract();
  x.end(archive);
  for await (const entry of x) {
    if (entry.header.type !== 'file') {
      entry.resume();
      throw new Error(`could not read ${what}: it is a ${entry.header.type ?? 'special file'}, not a regular file`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  throw new Error(`could not read ${what}: the pod's tar sent an empty archive`);
}

/**
 * The command that writes stdin's payload to the temp file "$t" (see replace-file.ts's
 * writeAndReplaceScript): with tar the payload is tarOneFile(basename(tmp), 0600) extracted
 * beside it, else the raw bytes into cat.
 */
export function podWriteCommand(tmp: string, hasTar: boolean): string {
  // as root, tar would restore the archive's owner: uid 0 is what root writing the file gives anyway
  return hasTar ? `tar -xmf - -C ${quote(posix.dirname(tmp))}` : 'cat > "$t"';
}

/** The sh command that sends a file's bytes to stdout: a tar of it (following a symlink) or plain cat. */
export function readScript(path: string, hasTar: boolean): string {
  if (!hasTar) return `cat ${quote(path)}`;
  // refused before tar would stream a whole tree
  return `if [ -d ${quote(path)} ]; then echo ${quote(`${path}: is a directory`)} >&2; exit 1; fi; tar chf - -C ${quote(posix.dirname(path))} ${quote(posix.basename(path))}`;
}
