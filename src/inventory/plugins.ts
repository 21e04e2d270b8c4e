// Inventory sources other than files of hosts: a YAML file whose top level says `plugin: NAME`.
import type { InventoryPlugin } from './types.js';

const plugins = new Map<string, () => Promise<InventoryPlugin>>();

/** Register a plugin loader under its name (and aliases). */
export function registerInventoryPlugin(names: string[], load: () => Promise<InventoryPlugin>): void {
  for (const n of names) plugins.set(n, load);
}

/** The plugin for a name, or undefined. */
export async function findInventoryPlugin(name: string): Promise<InventoryPlugin | undefined> {
  const load = plugins.get(name);
  return load ? load() : undefined;
}

/** Registered plugin names, for error messages. */
export function inventoryPluginNames(): string[] {
  return [...plugins.keys()].sort();
}

// Built-in plugins, imported only when a file names them (the pod inventory loads client-node).
registerInventoryPlugin(['kubernetes', 'kubernetes.core.k8s', 'drover.kubernetes'], async () => (await import('./kubernetes-pods.js')).kubernetesPodsPlugin);
