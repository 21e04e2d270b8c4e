// The last line of defence for secrets in output.
import { maskUrlCredentials } from '../util/url-credentials.js';

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

/** Replace every occurrence of each secret value (3+ chars) and every URL password with ********. */
export function maskValues(text: string, secrets: readonly string[]): string {
  let out = maskUrlCredentials(text);
  for (const s of secrets) if (s.length >= 3 && out.includes(s)) out = out.split(s).join('********');
  return out;
}

/** A deep copy of a value with every string (and object key) masked; numbers equal to a secret too. */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return maskValues(v, secrets);
    if (typeof v === 'number' && secrets.includes(String(v))) return '********';
    if (depth > 50 || !v || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[maskValues(k, secrets)] = walk(x, depth + 1);
    return out;
  };
  return walk(value, 0) as T;
}

/** The same error with secrets masked in its message and stack (printed by the CLI). */
export function maskError(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? maskValues(err, secrets) : err;
  err.message = maskValues(err.message, secrets);
  if (err.stack) err.stack = maskValues(err.stack, secrets);
  return err;
}
