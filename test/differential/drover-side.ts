// Runs cases through Drover's own templar and YAML reader, the code playbooks go through.
import { parseYaml, setYamlWarningListener } from '../../src/playbook/yaml-source.js';
import { createTemplar } from '../../src/templating/templar.js';
import type { Case, Outcome } from './case-types.js';
import { typedFromJs } from './typed-value.js';

/** Drover's outcome for one case; errors are outcomes, as on the Ansible side. */
export function droverOutcome(templar: ReturnType<typeof createTemplar>, c: Case): Outcome {
  try {
    const vars = structuredClone(c.vars ?? {});
    let v: unknown;
    if (c.mode === 'value') v = templar.render(c.input, vars);
    else if (c.mode === 'text') v = templar.renderString(c.input, vars);
    else if (c.mode === 'cond') v = templar.isTrue(c.input, vars);
    else v = parseYaml(c.input, '<differential>');
    return { value: typedFromJs(v) };
  } catch (err) {
    return { error: { class: (err as Error)?.constructor?.name ?? 'Error', message: String((err as Error)?.message ?? err).slice(0, 600) } };
  }
}

/** Drover's outcome for every case, in order. */
export function runDrover(cases: Case[]): Outcome[] {
  const templar = createTemplar();
  // duplicate-key warnings are part of what a YAML case checks, not output for the terminal
  const previous = setYamlWarningListener(() => undefined);
  try {
    return cases.map((c) => droverOutcome(templar, c));
  } finally {
    setYamlWarningListener(previous);
  }
}
