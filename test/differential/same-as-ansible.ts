// Test helper: run a handful of cases through real Ansible and Drover and list every
// divergence, so a unit test can demand "equal to Ansible" for the areas already fixed.
import { runAnsible } from './ansible-side.js';
import type { Case, Mode } from './case-types.js';
import { divergence, showOutcome } from './compare-outcomes.js';
import { runDrover } from './drover-side.js';

/** The vars the corpus shares, for tests that want the same names (el, ed, nums...). */
export const SHARED_VARS: Record<string, unknown> = { n: 3, s: 'Hello World', l: ['b', 'a', 'b'], nums: [3, 1, 2], el: [], ed: {}, d: { k: 'v' }, none: null, empty: '' };

/** Divergences (as readable lines) of inputs run in the given modes; [] when Drover matches Ansible. */
export function divergencesFrom(inputs: string[], modes: Mode[], vars: Record<string, unknown> = SHARED_VARS): string[] {
  const cases: Case[] = inputs.flatMap((input, i) => modes.map((mode) => ({ id: `t${i}/${mode}`, area: 'test', mode, input, vars, builtin: false })));
  const ansible = runAnsible(cases).results;
  const drover = runDrover(cases);
  return cases.flatMap((c, i) => (divergence(ansible[i]!, drover[i]!) ? [`${c.mode} ${JSON.stringify(c.input)}: ansible ${showOutcome(ansible[i]!)}, drover ${showOutcome(drover[i]!)}`] : []));
}
