// File transfer over pod exec with nothing but sh in the pod: a one-file tar archive into
// `tar -x` when the pod has tar (as kubectl cp does), else the raw bytes into `cat` (exec
// frames are binary, so no encoding is needed). Reads come back the same two ways.
import { posix } from 'node:path';
import { extract, pack } from 'tar-stream';
import { quote } from '../shell-quote.js';

/**
 * A tar archive holding one regular file `name` (no directories, owner 0: see writeScript), as
 * parts that reference `content` instead of copying it: a 100 MB file into 50 pods costs no
 * second 100 MB per pod. Name must be ASCII and at most 100 bytes (a temp name is).
 */
export async function tarOneFileParts(name: string, content: Buffer, mode: number): Promise<Buffer[]> {
  // a long or non-ASCII name needs a pax/GNU header: tar-stream writes those (copying the content)
  if (Buffer.byteLength(name) > 100 || !/^[\x20-\x7e]+$/.test(name)) return [await packed(name, content, mode)];
  const h = Buffer.alloc(512);
  const octal = (n: number, width: number, at: number): void => void h.write(`${n.toString(8).padStart(width - 1, '0')}\0`, at, 'ascii');
  h.write(name, 0, 'ascii');
  octal(mode & 0o7777, 8, 100);
  octal(0, 8, 108);
  octal(0, 8, 116);
  octal(content.length, 12, 124);
  octal(Math.floor(Date.now() / 1000), 12, 136);
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\x0000', 257, 'ascii');
  h.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const pad = (512 - (content.length % 512)) % 512;
  return [h, content, Buffer.alloc(pad + 1024)];
}

/** tarOneFileParts as one buffer (small files, tests). */
export async function tarOneFile(name: string, content: Buffer, mode: number): Promise<Buffer> {
  return Buffer.concat(await tarOneFileParts(name, content, mode));
}

async function packed(name: string, content: Buffer, mode: number): Promise<Buffer> {
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
