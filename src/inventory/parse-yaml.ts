// Ansible's YAML inventory: groups with hosts (a mapping), vars and children, nested.
import { InputError } from '../cli/errors.js';
import { keyLocation, locationOf } from '../playbook/yaml-source.js';
import { checkConnectionVar } from './check-connection.js';
import { expandHostRange } from './host-ranges.js';
import type { InventoryData } from './inventory-data.js';

const GROUP_KEYS = new Set(['hosts', 'vars', 'children']);

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Add the groups of a parsed YAML inventory document. */
export function parseYamlInventory(doc: unknown, file: string, inv: InventoryData): void {
  if (doc === null || doc === undefined) return;
  if (!isMapping(doc)) throw new InputError('a YAML inventory must be a mapping of groups', { ...(locationOf(doc) ?? { file }) });
  for (const [name, body] of Object.entries(doc)) addGroup(name, body, doc, undefined, file, inv);
}

function addGroup(name: string, body: unknown, owner: unknown, parent: string | undefined, file: string, inv: InventoryData): void {
  inv.addGroup(name, {}, parent && parent !== 'all' ? [parent] : [], keyLocation(owner, name) ?? { file });
  if (body === null || body === undefined) return;
  if (!isMapping(body)) throw new InputError(`group '${name}' must be a mapping with hosts, vars or children`, { ...(keyLocation(owner, name) ?? { file }), field: name });
  for (const key of Object.keys(body)) {
    if (!GROUP_KEYS.has(key)) throw new InputError(`'${key}' is not valid in group '${name}' (hosts, vars, children)`, { ...(keyLocation(body, key) ?? { file }), field: key });
  }
  if (body.vars !== undefined && body.vars !== null) {
    if (!isMapping(body.vars)) throw new InputError(`vars of group '${name}' must be a mapping`, { ...(keyLocation(body, 'vars') ?? { file }), field: 'vars' });
    checkConnectionVar(body.vars, keyLocation(body.vars, 'ansible_connection') ?? { file });
    inv.addGroup(name, body.vars);
  }
  if (body.hosts !== undefined && body.hosts !== null) {
    if (!isMapping(body.hosts)) throw new InputError(`hosts of group '${name}' must be a mapping of host names (not a list)`, { ...(keyLocation(body, 'hosts') ?? { file }), field: 'hosts' });
    for (const [host, vars] of Object.entries(body.hosts)) {
      if (vars !== null && vars !== undefined && !isMapping(vars)) throw new InputError(`vars of host '${host}' must be a mapping`, { ...(keyLocation(body.hosts, host) ?? { file }), field: host });
      checkConnectionVar(vars as Record<string, unknown> | null, keyLocation(vars, 'ansible_connection') ?? { file });
      let names: string[];
      try {
        names = expandHostRange(host);
      } catch (err) {
        throw new InputError((err as Error).message, { ...(keyLocation(body.hosts, host) ?? { file }), field: host });
      }
      for (const n of names) inv.addHost(n, (vars as Record<string, unknown>) ?? {}, name === 'all' ? [] : [name]);
    }
  }
  if (body.children !== undefined && body.children !== null) {
    if (!isMapping(body.children)) throw new InputError(`children of group '${name}' must be a mapping of groups`, { ...(keyLocation(body, 'children') ?? { file }), field: 'children' });
    for (const [child, childBody] of Object.entries(body.children)) {
      addGroup(child, childBody, body.children, name, file, inv);
      inv.addChild(name, child, keyLocation(body.children, child) ?? { file });
    }
  }
}
