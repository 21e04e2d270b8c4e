// The upgrade's local state beside the journal: each node's containers as recorded before it
// was touched, so a run killed mid-node compares against the real "before" when it resumes.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord } from './containers.js';

/** Write a file durably: temp, fsync, rename. */
function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

const snapshotPath = (stateDir: string, node: string): string => join(stateDir, `containers-${node}.json`);

/** The containers recorded before the node was touched, if a run did that already. */
export function loadSnapshot(stateDir: string, node: string, to: string): ContainerRecord[] | undefined {
  const p = snapshotPath(stateDir, node);
  if (!existsSync(p)) return undefined;
  const saved = JSON.parse(readFileSync(p, 'utf8')) as { to: string; containers: ContainerRecord[] };
  return saved.to === to ? saved.containers : undefined;
}

/** Record the node's containers before it is touched. */
export function saveSnapshot(stateDir: string, node: string, to: string, containers: ContainerRecord[]): void {
  mkdirSync(stateDir, { recursive: true });
  writeDurably(snapshotPath(stateDir, node), `${JSON.stringify({ to, at: new Date().toISOString(), containers })}\n`);
}
