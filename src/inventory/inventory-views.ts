// What `drover inventory` prints: host lists, the group tree, merged host vars, and
// ansible-inventory's --list JSON.
import type { InventoryData } from './inventory-data.js';
import { maskSecrets } from './mask-secrets.js';
import type { Inventory } from './types.js';

/** `@all:` tree like ansible-inventory --graph. */
export function inventoryGraph(inv: Inventory, root = 'all'): string[] {
  const lines: string[] = [];
  const visit = (group: string, depth: number): void => {
    const g = inv.groups.get(group);
    if (!g) return;
    const pad = depth === 0 ? '' : `${'  |'.repeat(depth)}--`;
    lines.push(`${pad}@${group}:`);
    for (const child of g.children) {
      visit(child, depth + 1);
    }
    for (const h of g.hosts) if (group !== 'all') lines.push(`${'  |'.repeat(depth + 1)}--${h}`);
  };
  visit(root, 0);
  return lines;
}

/** ansible-inventory --list: groups with hosts/children, and _meta.hostvars (secrets masked). */
export function inventoryListJson(inv: Inventory): Record<string, unknown> {
  const out: Record<string, unknown> = { _meta: { hostvars: {} as Record<string, unknown> } };
  for (const [name, g] of inv.groups) {
    const entry: Record<string, unknown> = {};
    const children = [...g.children];
    if (children.length) entry.children = children.sort();
    if (g.hosts.size && name !== 'all') entry.hosts = [...g.hosts];
    out[name] = entry;
  }
  const hostvars = (out._meta as { hostvars: Record<string, unknown> }).hostvars;
  for (const h of inv.hosts.keys()) {
    const vars = inv.hostVars(h);
    if (Object.keys(vars).length) hostvars[h] = maskSecrets(vars);
  }
  return out;
}

/** Merged vars of one host, secrets masked. */
export function hostView(inv: Inventory, host: string): Record<string, unknown> | undefined {
  if (!inv.hosts.has(host) && !(inv as InventoryData).select(host).length) return undefined;
  return maskSecrets(inv.hostVars(host)) as Record<string, unknown>;
}
