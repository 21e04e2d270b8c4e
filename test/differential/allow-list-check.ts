// Holds a differential run against the allow-list: which divergences each entry explains,
// which no entry explains (bugs), and which entries or listed ids explain nothing (stale).
import { ALLOW_LIST, type AllowEntry, type CaseRun } from './allow-list.js';
import type { Case, Outcome } from './case-types.js';
import { divergence, showOutcome } from './compare-outcomes.js';

/** The verdict on one run. */
export interface AllowListVerdict {
  cases: number;
  divergent: number;
  /** entry name -> ids of the divergent cases it explains */
  allowed: Record<string, string[]>;
  /** divergent cases no entry explains, as readable lines */
  unexplained: string[];
  /** entries that explain no divergence, and listed ids that no longer diverge */
  stale: string[];
}

function explains(e: AllowEntry, r: CaseRun): boolean {
  return (e.ids?.includes(r.case.id) ?? false) || (e.match?.(r) ?? false);
}

/** Compare every case's outcomes and sort each divergence into an entry, or into unexplained. */
export function checkAllowList(cases: Case[], ansible: Outcome[], drover: Outcome[], entries: AllowEntry[] = ALLOW_LIST): AllowListVerdict {
  const allowed: Record<string, string[]> = Object.fromEntries(entries.map((e) => [e.name, []]));
  const unexplained: string[] = [];
  const divergentIds = new Set<string>();
  cases.forEach((c, i) => {
    const run: CaseRun = { case: c, ansible: ansible[i]!, drover: drover[i]! };
    if (!divergence(run.ansible, run.drover)) return;
    divergentIds.add(c.id);
    const hits = entries.filter((e) => explains(e, run));
    for (const e of hits) allowed[e.name]!.push(c.id);
    if (!hits.length) unexplained.push(`${c.id} ${c.mode} ${JSON.stringify(c.input)}: ansible ${showOutcome(run.ansible)}, drover ${showOutcome(run.drover)}`);
  });
  const stale = [
    ...entries.filter((e) => allowed[e.name]!.length === 0).map((e) => `entry ${e.name} explains no divergence`),
    ...entries.flatMap((e) => (e.ids ?? []).filter((id) => !divergentIds.has(id)).map((id) => `entry ${e.name} lists ${id}, which no longer diverges`)),
  ];
  return { cases: cases.length, divergent: divergentIds.size, allowed, unexplained, stale };
}
