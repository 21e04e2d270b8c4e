// Builds the inventory from -i sources: INI or YAML files, directories of them, inline host
// lists ("h1,h2,"), plugin configs; then group_vars/ and host_vars/ beside the inventory and
// beside the playbook (the playbook's win).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../cli/errors.js';
import { keyLocation, locationOf, parseYaml, readYamlFile } from '../playbook/yaml-source.js';
import { checkConnectionVar } from './check-connection.js';
import { InventoryData } from './inventory-data.js';
import { parseIniInventory } from './parse-ini.js';
import { parseYamlInventory } from './parse-yaml.js';
import { findInventoryPlugin, inventoryPluginNames } from './plugins.js';
import type { Inventory } from './types.js';

const YAML_EXT = new Set(['.yml', '.yaml', '.json']);
const SKIP_EXT = new Set(['.md', '.txt', '.retry', '.orig', '.bak', '.pyc', '.cfg']);

async function loadFile(file: string, inv: InventoryData): Promise<void> {
  const text = readFileSync(file, 'utf8');
  if (YAML_EXT.has(extname(file))) {
    const doc = parseYaml(text, file);
    if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'plugin' in doc) {
      const name = String((doc as Record<string, unknown>).plugin);
      const plugin = await findInventoryPlugin(name);
      if (!plugin) throw new InputError(`unknown inventory plugin '${name}'${inventoryPluginNames().length ? ` (known: ${inventoryPluginNames().join(', ')})` : ''}`, { ...(locationOf(doc) ?? { file }), field: 'plugin' });
      await plugin.populate(doc as Record<string, unknown>, file, inv);
      return;
    }
    parseYamlInventory(doc, file, inv);
  } else {
    parseIniInventory(text, file, inv);
  }
}

/** Vars files for a name in a group_vars/ or host_vars/ dir: NAME, NAME.yml|yaml|json, or NAME/ of them. */
function varsFilesFor(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const cand of [name, `${name}.yml`, `${name}.yaml`, `${name}.json`]) {
    const p = join(dir, cand);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (YAML_EXT.has(extname(f)) || extname(f) === '') out.push(join(p, f));
    } else out.push(p);
  }
  return out;
}

function readVars(file: string): Record<string, unknown> {
  const v = readYamlFile(file);
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InputError('a vars file must be a mapping', { ...(locationOf(v) ?? { file }) });
  checkConnectionVar(v as Record<string, unknown>, keyLocation(v, 'ansible_connection') ?? { file });
  return v as Record<string, unknown>;
}

/** Append the vars files found for each name in DIR to its list in `into` (later files win). */
function collectVarFiles(dir: string, names: Iterable<string>, into: Map<string, Record<string, unknown>[]>): void {
  if (!existsSync(dir)) return;
  for (const name of names) {
    for (const f of varsFilesFor(dir, name)) {
      const list = into.get(name) ?? [];
      list.push(readVars(f));
      into.set(name, list);
    }
  }
}

function addVarsDirs(inv: InventoryData, baseDirs: string[]): void {
  for (const base of baseDirs) {
    collectVarFiles(join(base, 'group_vars'), inv.groups.keys(), inv.groupVarFiles);
    collectVarFiles(join(base, 'host_vars'), inv.hosts.keys(), inv.hostVarFiles);
  }
}

/** Load every -i source into one inventory. */
export async function loadInventory(sources: string[], options: { playbookDir?: string } = {}): Promise<Inventory> {
  const inv = new InventoryData();
  const varDirs: string[] = [];
  for (const src of sources) {
    if (!existsSync(src) && src.includes(',')) {
      for (const h of src.split(',').map((s) => s.trim()).filter(Boolean)) inv.addHost(h);
      continue;
    }
    const path = resolve(src);
    if (!existsSync(path)) throw new InputError(`inventory source not found: ${src}`, { file: src, field: 'inventory' });
    inv.sources.push(path);
    if (statSync(path).isDirectory()) {
      for (const f of readdirSync(path).sort()) {
        const p = join(path, f);
        if (f.startsWith('.') || f === 'group_vars' || f === 'host_vars' || statSync(p).isDirectory() || SKIP_EXT.has(extname(f)) || f.endsWith('~')) continue;
        await loadFile(p, inv);
      }
      varDirs.push(path);
    } else {
      await loadFile(path, inv);
      varDirs.push(dirname(path));
    }
  }
  inv.finish();
  if (options.playbookDir) varDirs.push(resolve(options.playbookDir));
  addVarsDirs(inv, [...new Set(varDirs)]);
  return inv;
}
