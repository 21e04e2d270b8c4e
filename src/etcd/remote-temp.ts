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

/**
 * sh that stops a killed backup's etcdctl still saving for this tag (by the pid it recorded,
 * checked against its command line) and removes the files (etcdctl's own .part included),
 * printing each removed file.
 */
export function removeBackupLeftovers(tag: string): string {
  const glob = `${TMP}/drover-snapshot-${tag}-*`;
  return [
    `for p in ${glob}.pid; do [ -e "$p" ] || continue; pid=$(cat "$p"); case "$pid" in ''|*[!0-9]*) continue;; esac`,
    `  if tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null | grep -q drover-snapshot-${tag}-; then kill $pid 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do [ -d /proc/$pid ] || break; sleep 0.2; done; fi`,
    'done',
    `for f in ${glob}; do [ -e "$f" ] && rm -f "$f" && case "$f" in *.pid) ;; *) echo "$f";; esac; done; true`,
  ].join('\n');
}

/** sh that saves a snapshot to REMOTE.part as a process whose pid is in REMOTE.pid (so a next run can stop it if we are killed). */
export function saveWithPidFile(remote: string, etcdctlSave: string): string {
  return `umask 077; echo $$ > ${remote}.pid; exec env ${etcdctlSave}`;
}

/** Where a restore uploads its snapshot on a member (an unguessable name, mode 0600). */
export function restoreTempPath(stamp: string): string {
  return `${TMP}/drover-restore-${stamp}-${randomBytes(6).toString('hex')}.db`;
}

/** sh that removes an interrupted restore's uploads (and a put's own temp file) and prints them. */
export function removeRestoreLeftovers(): string {
  return `for f in ${TMP}/drover-restore-*.db ${TMP}/.drover-restore-*.db.drover-*; do [ -e "$f" ] && rm -f "$f" && echo "$f"; done; true`;
}
