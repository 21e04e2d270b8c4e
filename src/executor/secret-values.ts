// Values that must never reach output: those of vars whose names say they are secrets.
// Reporters replace every occurrence of these values, whatever task printed them.
import type { Inventory } from '../inventory/types.js';

/** Variable names that hold secrets (passwords, tokens, keys). */
export const SECRET_NAME = /(pass(word|wd)?|secret|token|api_?key|private_key(?!_file)|credential)s?$/i;

/** Add the secret-named values inside `vars` to `into` (kept longest first, no duplicates). */
export function addSecretValues(vars: unknown, into: string[]): void {
  const found = new Set<string>(into);
  const walk = (value: unknown, secretKey: boolean, depth: number): void => {
    if (depth > 6 || value === null || value === undefined) return;
    if (typeof value === 'string' || typeof value === 'number') {
      if (secretKey && String(value).length >= 3 && !String(value).includes('{{')) found.add(String(value));
      return;
    }
    if (Array.isArray(value)) for (const v of value) walk(v, secretKey, depth + 1);
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, secretKey || SECRET_NAME.test(k), depth + 1);
  };
  walk(vars, false, 0);
  into.splice(0, into.length, ...[...found].sort((a, b) => b.length - a.length));
}

/** Secret-named values found in the inventory's hosts and the extra vars (strings of 3+ chars). */
export function secretValues(inventory: Inventory, extraVars: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const host of inventory.hosts.keys()) addSecretValues(inventory.hostVars(host), out);
  addSecretValues(extraVars, out);
  return out;
}
