// Ansible's retry file: the hosts that failed or were unreachable, one per line, so
// `drover play site.yml -l @site.retry` runs exactly those again.
import { rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { HostStats } from '../output/events.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** Where the retry file of a playbook goes: PATH if given, else NAME.retry in the save dir or beside the playbook. */
export function retryFilePath(playbookFile: string, option: true | string, saveDir = process.env.DROVER_RETRY_FILES_SAVE_PATH ?? process.env.ANSIBLE_RETRY_FILES_SAVE_PATH): string {
  if (typeof option === 'string') return resolve(option);
  const name = `${basename(playbookFile, extname(playbookFile))}.retry`;
  return resolve(saveDir ? join(saveDir, name) : join(dirname(playbookFile), name));
}

/** Hosts to retry, as Ansible picks them: a task failed (not ignored, not rescued) or the host was unreachable; sorted. */
export function hostsToRetry(stats: Record<string, HostStats>): string[] {
  return Object.entries(stats)
    .filter(([, s]) => s.failed > 0 || s.unreachable > 0)
    .map(([h]) => h)
    .sort();
}

/**
 * Write the retry file atomically (temp file, fsync, rename, fsync of the directory) when some
 * host is to be retried; on full success remove a stale one, so `-l @file` never replays an old
 * failure. Returns the hosts written.
 */
export function updateRetryFile(path: string, stats: Record<string, HostStats>): string[] {
  const hosts = hostsToRetry(stats);
  if (!hosts.length) {
    rmSync(path, { force: true });
    return hosts;
  }
  writeFileAtomic(path, hosts.map((h) => `${h}\n`).join(''), 0o644);
  return hosts;
}

/** Update the retry file of a run if asked; a file that cannot be written is a warning line, not a failed run. */
export function saveRetryFile(playbookFile: string, option: true | string | undefined, stats: Record<string, HostStats>): string | undefined {
  if (!option) return undefined;
  const path = retryFilePath(playbookFile, option);
  try {
    const hosts = updateRetryFile(path, stats);
    return hosts.length ? `retry file: ${path} (${hosts.length} host${hosts.length > 1 ? 's' : ''}; run them again with -l @${path})` : undefined;
  } catch (err) {
    return `[WARNING]: could not write the retry file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}
