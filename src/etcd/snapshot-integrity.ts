// Offline integrity of an etcd snapshot file: `etcdctl snapshot save` appends the SHA-256 of
// the database, so a whole snapshot has size % 512 == 32 and ends with the hash of the rest.
// Checked in one streaming pass (the last 32 bytes are held back), so a 1 GB snapshot is
// never in memory.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface IntegrityResult {
  ok: boolean;
  reason?: string;
  sha256: string;
}

const TRAILER = 32;

/** Digests of a snapshot fed chunk by chunk: the whole file's SHA-256 and the body's, against the trailer. */
export class SnapshotDigest {
  private readonly whole: Hash = createHash('sha256');
  private readonly body: Hash = createHash('sha256');
  private tail = Buffer.alloc(0);
  /** bytes seen so far */
  size = 0;

  update(chunk: Buffer): void {
    this.whole.update(chunk);
    this.size += chunk.length;
    // everything but the last 32 bytes seen so far belongs to the body
    const joined = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const cut = Math.max(0, joined.length - TRAILER);
    if (cut) this.body.update(joined.subarray(0, cut));
    this.tail = Buffer.from(joined.subarray(cut));
  }

  /** The verdict; call once, after the last chunk. */
  result(): IntegrityResult {
    const sha256 = this.whole.digest('hex');
    const n = this.size;
    if (n < 64) return { ok: false, reason: `too small to be a snapshot (${n} bytes)`, sha256 };
    if (n % 512 !== TRAILER) return { ok: false, reason: `size ${n} is not a whole database plus its hash (size % 512 = ${n % 512}, want 32)`, sha256 };
    if (!this.body.digest().equals(this.tail)) return { ok: false, reason: 'the SHA-256 trailer does not match the database (corrupted or truncated)', sha256 };
    return { ok: true, sha256 };
  }
}

/** Check the trailer of a snapshot in memory; `sha256` is the digest of the whole file (for the .sha256 sidecar). */
export function checkSnapshot(data: Buffer): IntegrityResult {
  const d = new SnapshotDigest();
  d.update(data);
  return d.result();
}

/** checkSnapshot for a file, read in chunks (memory stays flat whatever its size). */
export async function checkSnapshotFile(path: string): Promise<IntegrityResult> {
  const d = new SnapshotDigest();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) d.update(chunk as Buffer);
  return d.result();
}
