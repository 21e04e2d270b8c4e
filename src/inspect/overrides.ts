// Per-group (or per-host) tuning of checks from inventory vars:
//   inspect_overrides: { disk-use: { critical: 80 }, certificates: { dirs: /etc/pki, warning: 60 } }
// warning/critical replace the rule's thresholds; any other key replaces a param of the check.
import { InputError } from '../cli/errors.js';
import type { CheckPlugin, Thresholds } from './check-contract.js';

/** The effective thresholds and params of a check on a host. */
export interface HostOverride {
  thresholds: Thresholds;
  params: Record<string, string>;
}

/** Read inspect_overrides[check.id] from a host's vars; unknown params and non-numbers are input errors. */
export function hostOverride(check: CheckPlugin, host: string, vars: Record<string, unknown>): HostOverride {
  const all = vars.inspect_overrides;
  const params = { ...check.params };
  const thresholds: Thresholds = {};
  if (all === undefined || all === null) return { thresholds, params };
  if (typeof all !== 'object' || Array.isArray(all)) throw new InputError(`${host}: inspect_overrides must be a mapping of check id to settings`, { field: 'inspect_overrides' });
  const mine = (all as Record<string, unknown>)[check.id];
  if (mine === undefined || mine === null) return { thresholds, params };
  if (typeof mine !== 'object' || Array.isArray(mine)) throw new InputError(`${host}: inspect_overrides.${check.id} must be a mapping`, { field: 'inspect_overrides' });
  for (const [k, v] of Object.entries(mine as Record<string, unknown>)) {
    if (k === 'warning' || k === 'critical') {
      const n = Number(v);
      if (v === null || v === '' || Number.isNaN(n)) throw new InputError(`${host}: inspect_overrides.${check.id}.${k} must be a number, got ${JSON.stringify(v)}`, { field: 'inspect_overrides' });
      thresholds[k] = n;
    } else if (k in check.params) params[k] = Array.isArray(v) ? v.join(' ') : String(v);
    else throw new InputError(`${host}: inspect_overrides.${check.id}.${k}: check '${check.id}' has no param '${k}' (params: ${Object.keys(check.params).join(', ') || 'none'}; or warning, critical)`, { field: 'inspect_overrides' });
  }
  return { thresholds, params };
}
