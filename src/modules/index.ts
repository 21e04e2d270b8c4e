// Module registry: resolves `copy`, `ansible.builtin.copy` and aliases to one ModuleDef.
import type { ModuleDef } from './types.js';
import { fileModules } from './builtin-files.js';
import { commandModules } from './builtin-commands.js';
import { kubernetesModules } from './builtin-kubernetes.js';

const registry = new Map<string, ModuleDef>();

function register(def: ModuleDef): void {
  for (const name of [def.name, ...(def.aliases ?? [])]) {
    registry.set(name, def);
    registry.set(`ansible.builtin.${name}`, def);
    registry.set(`ansible.legacy.${name}`, def);
  }
}

for (const def of [...fileModules, ...commandModules, ...kubernetesModules]) register(def);

/** The module for a task keyword, or undefined if it is not a module name. */
export function findModule(name: string): ModuleDef | undefined {
  return registry.get(name);
}

/** Every registered name (for error hints). */
export function moduleNames(): string[] {
  return [...new Set([...registry.values()].map((d) => d.name))].sort();
}
