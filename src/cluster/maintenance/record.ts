// What `cluster stop` leaves on the controller for `cluster start` and `cluster guard`: which
// stages an operator took down, when, by whom and why. Written temp+fsync+rename.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StageName } from './context.js';

/** The operator's maintenance record. */
export interface MaintenanceRecord {
  /** Stages an operator stopped and nobody has started since. */
  stopped: StageName[];
  reason?: string;
  by: string;
  at: string;
}

/** Write a small file durably. */
export function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

const recordPath = (stateDir: string): string => join(stateDir, 'maintenance.json');

/** The record, or an empty one when no stop happened. */
export function readRecord(stateDir: string): MaintenanceRecord {
  const p = recordPath(stateDir);
  if (!existsSync(p)) return { stopped: [], by: '', at: '' };
  return JSON.parse(readFileSync(p, 'utf8')) as MaintenanceRecord;
}

/** Replace the record. */
export function writeRecord(stateDir: string, rec: MaintenanceRecord): void {
  mkdirSync(stateDir, { recursive: true });
  writeDurably(recordPath(stateDir), `${JSON.stringify(rec, null, 2)}\n`);
}
