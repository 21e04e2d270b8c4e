// The ratchet of known divergences: baseline.json lists, by case id, every case where Drover
// still differs from Ansible. A case missing from it must be equal; a case listed must still
// differ (fixing one means deleting its line), so the list can only shrink.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Divergence, DivergenceKind } from './compare-outcomes.js';

/** The committed file (regenerate with `npm run differential -- --write-baseline`). */
export const BASELINE_FILE = join(dirname(fileURLToPath(import.meta.url)), 'baseline.json');

/** What the file holds: the id and kind of each known divergence. */
export interface Baseline {
  ansible: string;
  seed: number;
  generated: number;
  divergences: Record<string, DivergenceKind>;
}

/** The committed baseline. */
export function readBaseline(): Baseline {
  return JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
}

/** Write the divergences of a run as the new baseline (ids sorted, so diffs stay readable). */
export function writeBaseline(ansible: string, seed: number, generated: number, divs: Divergence[]): void {
  const sorted = [...divs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const divergences = Object.fromEntries(sorted.map((d) => [d.id, d.kind]));
  writeFileSync(BASELINE_FILE, JSON.stringify({ ansible, seed, generated, divergences } satisfies Baseline, null, 1) + '\n');
}

/** How a run differs from the baseline: new divergences (regressions) and listed cases that are now equal or gone. */
export function againstBaseline(baseline: Baseline, ids: Set<string>, divs: Divergence[]): { regressions: Divergence[]; nowEqual: string[]; gone: string[] } {
  const divergent = new Set(divs.map((d) => d.id));
  return {
    regressions: divs.filter((d) => !(d.id in baseline.divergences)),
    nowEqual: Object.keys(baseline.divergences).filter((id) => ids.has(id) && !divergent.has(id)),
    gone: Object.keys(baseline.divergences).filter((id) => !ids.has(id)),
  };
}
