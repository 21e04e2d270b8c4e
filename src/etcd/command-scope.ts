// What -l and -e mean for the etcd commands: -e values override every member's inventory vars;
// -l narrows the members status and backup look at, and is refused by restore, which must act
// on every member of its group (restoring part of a cluster splits it).
import type { Inventory } from '../inventory/types.js';
import { parseExtraVars } from '../cli/extra-vars.js';
import { AccessRefused } from './member-host.js';

/** The members and -e values for an etcd command; throws AccessRefused for a refused -l. */
export function etcdScope(inventory: Inventory, o: { group: string; limit?: string; extraVars?: string[]; limitAllowed: boolean }): { hosts: string[]; extraVars: Record<string, unknown> } {
  if (o.limit !== undefined && !o.limitAllowed) throw new AccessRefused(`-l/--limit is refused here: this command acts on every member of --group (restoring or re-forming part of a cluster splits it); put the members in a group of their own and pass --group`);
  const extraVars = parseExtraVars(o.extraVars);
  for (const [k, v] of Object.entries(extraVars)) if (typeof v === 'string' && v.includes('{{')) throw new AccessRefused(`-e ${k}: templates are not rendered by the etcd commands; give a plain value`);
  return { hosts: inventory.select(o.group, o.limit), extraVars };
}
