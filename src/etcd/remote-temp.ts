// Names of the snapshot copies the etcd commands leave on members while they work, and the
// commands that remove a killed run's leftovers (they hold every secret of the cluster).
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

const TMP = '/var/tmp';

/** A tag for one backup directory on this controller: runs with the same --dir hold the same lock, so its tagged files are leftovers. */
export function backupTag(dir: string): string {
  return createHash('sha256').update(`${hostname()}:${resolve(dir)}`).digest('hex').slice(0, 10);
}

/** Where a backup saves its snapshot on the member (created under umask 077: 0600). */
export function backupTempPath(tag: string): string {
  return `${TMP}/drover-snapshot-${tag}-${randomBytes(6).toString('hex')}.db`;
}

/** sh that removes a killed backup's files for this tag (etcdctl's own .part included) and prints what it removed. */
export function removeBackupLeftovers(tag: string): string {
  return `for f in ${TMP}/drover-snapshot-${tag}-*; do [ -e "$f" ] && rm -f "$f" && echo "$f"; done; true`;
}

/** Where a restore uploads its snapshot on a member (an unguessable name, mode 0600). */
export function restoreTempPath(stamp: string): string {
  return `${TMP}/drover-restore-${stamp}-${randomBytes(6).toString('hex')}.db`;
}

/** sh that removes an interrupted restore's uploads (and a put's own temp file) and prints them. */
export function removeRestoreLeftovers(): string {
  return `for f in ${TMP}/drover-restore-*.db ${TMP}/.drover-restore-*.db.drover-*; do [ -e "$f" ] && rm -f "$f" && echo "$f"; done; true`;
}
