// Test helper for the yaml area: run YAML texts through Ansible's DataLoader and Drover's
// parseYaml and list the divergences that the reasoned allow-list does not explain.
import { runAnsible } from './ansible-side.js';
import type { Case } from './case-types.js';
import { divergence, showOutcome } from './compare-outcomes.js';
import { runDrover } from './drover-side.js';
import { allowedYamlDivergence } from './yaml-allow-list.js';

/** Unexplained divergences (as readable lines) of YAML texts; [] when Drover reads them as Ansible does. */
export function yamlDivergences(inputs: string[]): string[] {
  const cases: Case[] = inputs.map((input, i) => ({ id: `yaml${i}`, area: 'yaml', mode: 'yaml', input, builtin: false }));
  const ansible = runAnsible(cases).results;
  const drover = runDrover(cases);
  return cases.flatMap((c, i) => (divergence(ansible[i]!, drover[i]!) && !allowedYamlDivergence(c.input, ansible[i]!, drover[i]!) ? [`${JSON.stringify(c.input)}: ansible ${showOutcome(ansible[i]!)}, drover ${showOutcome(drover[i]!)}`] : []));
}
