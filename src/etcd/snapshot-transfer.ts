// A snapshot copied from a member to the controller as a stream: into a 0600 temp file beside
// its final name (removed by the next run's removePartials if we are killed), checked on the
// way (SHA-256 and the etcd trailer), fsync'd, so memory stays flat whatever the DB size.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { tempBeside } from '../connections/replace-file.js';
import { SnapshotDigest, type IntegrityResult } from './snapshot-integrity.js';

export interface Downloaded {
  /** the temp file holding the snapshot (0600, fsync'd) */
  tempFile: string;
  sizeBytes: number;
  integrity: IntegrityResult;
}

/** Write `source` to a temp file in `dir`, digesting it as it goes. The caller renames or removes the file. */
export async function downloadSnapshot(dir: string, source: Readable): Promise<Downloaded> {
  const tempFile = tempBeside(join(dir, 'snapshot.db'));
  const digest = new SnapshotDigest();
  const fh = await open(tempFile, 'wx', 0o600);
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      digest.update(buf);
      for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
    }
    await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tempFile, { force: true });
    throw err;
  }
  return { tempFile, sizeBytes: digest.size, integrity: digest.result() };
}
