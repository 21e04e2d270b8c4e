// Display copies of vars with secret values hidden (drover inventory host/list).
import { SECRET_NAME } from '../executor/secret-values.js';

/** A deep copy with values of secret-named keys replaced by ********. */
export function maskSecrets(vars: unknown, secretKey = false): unknown {
  if (Array.isArray(vars)) return vars.map((v) => maskSecrets(v, secretKey));
  if (vars && typeof vars === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(vars)) out[k] = maskSecrets(v, secretKey || SECRET_NAME.test(k));
    return out;
  }
  if (secretKey && vars !== null && vars !== undefined && vars !== '') return '********';
  return vars;
}
