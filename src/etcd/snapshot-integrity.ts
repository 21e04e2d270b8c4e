// Offline integrity of an etcd snapshot file: `etcdctl snapshot save` appends the SHA-256 of
// the database, so a whole snapshot has size % 512 == 32 and ends with the hash of the rest.
import { createHash } from 'node:crypto';

export interface IntegrityResult {
  ok: boolean;
  reason?: string;
  sha256: string;
}

/** Check the trailer; `sha256` is the digest of the whole file (for the .sha256 sidecar). */
export function checkSnapshot(data: Buffer): IntegrityResult {
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (data.length < 64) return { ok: false, reason: `too small to be a snapshot (${data.length} bytes)`, sha256 };
  if (data.length % 512 !== 32) return { ok: false, reason: `size ${data.length} is not a whole database plus its hash (size % 512 = ${data.length % 512}, want 32)`, sha256 };
  const body = data.subarray(0, data.length - 32);
  const trailer = data.subarray(data.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(trailer)) return { ok: false, reason: 'the SHA-256 trailer does not match the database (corrupted or truncated)', sha256 };
  return { ok: true, sha256 };
}
