// Splits a play's hosts into serial batches: numbers, percentages, or a list of either where
// the last entry repeats (Ansible's rolling-update semantics).
import type { SerialSpec } from '../playbook/model.js';

/** Batch size for one serial entry given the play's host count (percentages floor, min 1). */
function sizeOf(entry: number | string, total: number): number {
  if (typeof entry === 'number') return Math.max(1, Math.floor(entry));
  const s = entry.trim();
  if (s.endsWith('%')) return Math.max(1, Math.floor((total * parseFloat(s)) / 100));
  return Math.max(1, parseInt(s, 10));
}

/** The batches hosts run in, in order. */
export function serialBatches<T>(hosts: readonly T[], serial: SerialSpec | undefined): T[][] {
  if (!serial || serial.length === 0 || hosts.length === 0) return [hosts.slice()];
  const batches: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const n = sizeOf(serial[Math.min(k, serial.length - 1)]!, hosts.length);
    batches.push(hosts.slice(i, i + n));
    i += n;
    k++;
  }
  return batches;
}
