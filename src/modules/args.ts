// Argument handling shared by every module: aliases, defaults, required, choices and type
// coercion, the way Ansible's AnsibleModule does it (yes/no/true/false/1/0 are booleans).
import type { ArgSpec, ModuleDef } from './types.js';
import { FALSE_WORDS, TRUE_WORDS } from '../util/bool-words.js';

/** Thrown for a bad module argument; the executor reports it as a task failure naming the field. */
export class ArgError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ArgError';
  }
}


/** Ansible's boolean(): accepts yes/no/on/off/true/false/1/0 in any case. */
export function toBool(value: unknown, field = 'value'): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (value === null || value === undefined) return false;
  const s = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  throw new ArgError(`${field}: '${String(value)}' is not a valid boolean`, field);
}

function coerce(name: string, spec: ArgSpec, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (spec.type) {
    case 'bool':
      return toBool(value, name);
    case 'int': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isInteger(n)) throw new ArgError(`${name}: '${String(value)}' is not an integer`, name);
      return n;
    }
    case 'float': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (Number.isNaN(n)) throw new ArgError(`${name}: '${String(value)}' is not a number`, name);
      return n;
    }
    case 'str':
    case 'path':
      if (typeof value === 'object') throw new ArgError(`${name}: expected a string, got ${Array.isArray(value) ? 'a list' : 'a mapping'}`, name);
      return String(value);
    case 'list':
      if (Array.isArray(value)) return value;
      if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return [value];
    case 'dict':
      if (typeof value !== 'object' || Array.isArray(value)) throw new ArgError(`${name}: expected a mapping`, name);
      return value;
    default:
      return value;
  }
}

/** Map of every accepted key (names and aliases) to its canonical name. */
export function argNames(def: ModuleDef): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, spec] of Object.entries(def.args)) {
    names.set(name, name);
    for (const a of spec.aliases ?? []) names.set(a, name);
  }
  if (def.freeForm) names.set('_raw_params', '_raw_params');
  return names;
}

/** Keys the module does not accept (checked at load time, before anything runs). */
export function unknownArgs(def: ModuleDef, keys: Iterable<string>): string[] {
  const names = argNames(def);
  return [...keys].filter((k) => !names.has(k));
}

/** Canonical, defaulted, coerced arguments; throws ArgError naming the bad field. */
export function normalizeArgs(def: ModuleDef, raw: Record<string, unknown>): Record<string, unknown> {
  const names = argNames(def);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const canonical = names.get(key);
    if (!canonical) throw new ArgError(`unsupported parameter for module ${def.name}: ${key}`, key);
    out[canonical] = value;
  }
  for (const [name, spec] of Object.entries(def.args)) {
    if (out[name] === undefined && spec.default !== undefined) out[name] = spec.default;
    if (spec.required && (out[name] === undefined || out[name] === null)) {
      throw new ArgError(`missing required argument: ${name}`, name);
    }
    out[name] = coerce(name, spec, out[name]);
    if (spec.choices && out[name] !== undefined && out[name] !== null && !spec.choices.includes(out[name])) {
      throw new ArgError(`value of ${name} must be one of: ${spec.choices.join(', ')}, got: ${String(out[name])}`, name);
    }
  }
  return out;
}

/** Names of arguments whose values must never be shown. */
export function secretArgs(def: ModuleDef): string[] {
  return Object.entries(def.args).filter(([, s]) => s.noLog).map(([n]) => n);
}
