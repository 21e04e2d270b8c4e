// The last line of defence for secrets in output.

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Ansible's no_log: the whole result becomes a notice (keeping changed/failed/skipped). */
export function censorResult(result: Record<string, unknown>, noLog: boolean): Record<string, unknown> {
  if (!noLog) return result;
  const out: Record<string, unknown> = { censored: CENSORED, changed: Boolean(result.changed) };
  if (result.failed) out.failed = true;
  if (result.skipped) out.skipped = true;
  if (result.unreachable) out.unreachable = true;
  return out;
}

/** Replace every occurrence of each secret value (3+ chars) with ********. */
export function maskValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3 && out.includes(s)) out = out.split(s).join('********');
  return out;
}
