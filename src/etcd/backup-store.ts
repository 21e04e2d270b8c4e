// Where verified snapshots live on the controller: NAME.db, NAME.db.sha256, NAME.json.
// Everything is written to a .partial name, fsync'd and renamed, so an interrupted run leaves
// only .partial files, which the next run removes and retention never counts.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../connections/local.js';

export interface SnapshotMeta {
  cluster: string;
  file: string;
  createdAt: string;
  member: string;
  endpoint: string;
  revision: number;
  /** etcd's own key count (internal keys included) */
  totalKey: number;
  /** user keys under keyPrefix at the snapshot's revision */
  keys?: number;
  keyPrefix?: string;
  totalSize: number;
  hash: number;
  sha256: string;
  sizeBytes: number;
  durationMs: number;
  members: { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[];
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The snapshot's base name: cluster, UTC time, revision. */
export function snapshotName(cluster: string, at: Date, revision: number): string {
  return `${safeCluster(cluster)}-${stamp(at)}-rev${revision}`;
}

/**
 * Store a verified snapshot with its checksum and sidecar; returns the .db path. `data` is the
 * bytes, or a fsync'd 0600 temp file in `dir` (a streamed download) that is renamed into place.
 */
export async function storeSnapshot(dir: string, name: string, data: Buffer | { tempFile: string }, meta: SnapshotMeta): Promise<string> {
  const db = join(dir, `${name}.db`);
  // the .db lands last: a kept .db always has its checksum and sidecar beside it
  await writeAtomic(join(dir, `${name}.db.sha256`), Buffer.from(`${meta.sha256}  ${name}.db\n`), 0o644);
  await writeAtomic(join(dir, `${name}.json`), Buffer.from(`${JSON.stringify(meta, null, 2)}\n`), 0o644);
  if (Buffer.isBuffer(data)) await writeAtomic(db, data, 0o600);
  else await rename(data.tempFile, db);
  return db;
}

/** Remove leftovers of interrupted runs (temp files of writeAtomic). */
export function removePartials(dir: string): string[] {
  const gone: string[] = [];
  for (const f of readdirSync(dir)) {
    if (/\.drover-[0-9a-f]{12}$/.test(f)) {
      rmSync(join(dir, f), { force: true });
      gone.push(f);
    }
  }
  return gone;
}

/** The file-name form of a cluster name. */
function safeCluster(cluster: string): string {
  return cluster.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A snapshot base name (CLUSTER-YYYYMMDDTHHMMSSZ-revN) split into its cluster part, or undefined. */
export function clusterOfName(base: string): string | undefined {
  return /^(.+)-\d{8}T\d{6}Z-rev\d+$/.exec(base)?.[1];
}

/** Snapshots of exactly this cluster, oldest first (only complete ones: .db with its sidecar); prod never matches prod-b's files. */
export function listSnapshots(dir: string, cluster: string): SnapshotMeta[] {
  const want = safeCluster(cluster);
  const out: SnapshotMeta[] = [];
  const files = new Set(readdirSync(dir));
  for (const f of files) {
    if (!f.endsWith('.json')) continue;
    const base = f.slice(0, -5);
    if (clusterOfName(base) !== want || !files.has(`${base}.db`)) continue;
    try {
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as SnapshotMeta;
      if (safeCluster(String(meta.cluster)) === want) out.push(meta);
    } catch {
      /* a sidecar that does not parse is not a kept snapshot */
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Remove a .json or .db.sha256 whose .db is missing (a run killed between writing them and the .db); call with the lock held. */
export function removeOrphanSidecars(dir: string): string[] {
  const files = new Set(readdirSync(dir));
  const gone: string[] = [];
  for (const f of files) {
    const m = /^(.+)\.(json|db\.sha256)$/.exec(f);
    if (!m || clusterOfName(m[1]!) === undefined || files.has(`${m[1]}.db`)) continue;
    rmSync(join(dir, f), { force: true });
    gone.push(f);
  }
  return gone;
}

export interface Retention {
  keepLast: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
}

/** Which snapshots to delete: keep the last N, plus the newest of each hour/day/week for the given counts. */
export function expiredSnapshots(snaps: SnapshotMeta[], r: Retention): SnapshotMeta[] {
  const keep = new Set<SnapshotMeta>(snaps.slice(-Math.max(1, r.keepLast)));
  const bucket = (count: number | undefined, key: (d: Date) => string): void => {
    if (!count) return;
    const seen = new Set<string>();
    for (const s of [...snaps].reverse()) {
      const k = key(new Date(s.createdAt));
      if (seen.has(k)) continue;
      seen.add(k);
      if (seen.size > count) break;
      keep.add(s);
    }
  };
  bucket(r.hourly, (d) => d.toISOString().slice(0, 13));
  bucket(r.daily, (d) => d.toISOString().slice(0, 10));
  bucket(r.weekly, (d) => {
    const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
    return t.toISOString().slice(0, 10);
  });
  return snaps.filter((s) => !keep.has(s));
}

/** Delete a snapshot's files. */
export function deleteSnapshot(dir: string, s: SnapshotMeta): void {
  const base = s.file.replace(/\.db$/, '');
  for (const f of [`${base}.db`, `${base}.db.sha256`, `${base}.json`]) rmSync(join(dir, f), { force: true });
}
