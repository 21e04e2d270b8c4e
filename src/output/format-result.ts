// Result text the way Ansible's default callback shows it: JSON without internal keys.

const HIDDEN = new Set(['failed', '_ansible_no_log', 'ansible_loop_var', '_ansible_verbose_always', 'invocation', 'invocation_field']);

/** Keys Ansible's default callback drops before printing. */
export function cleanResult(result: Record<string, unknown>, keepFacts = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) {
    if (HIDDEN.has(k) || (k === 'ansible_facts' && !keepFacts) || v === undefined) continue;
    out[k] = v;
  }
  return out;
}

/** Ansible prints sorted, compact JSON for failures and -v results. */
export function resultJson(result: Record<string, unknown>, indent?: number): string {
  return JSON.stringify(sortKeys(result), null, indent).replace(/":(?=\S)/g, '": ').replace(/,(?=")/g, ', ');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
