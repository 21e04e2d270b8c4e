// How a connection declares the host variables it reads (one table per transport, which the
// README repeats) and reads one of them: the first of its names that is set, else its default.
import type { HostVars } from './types.js';

/** One setting: the variable names that set it, in lookup order, with type, default and meaning. */
export interface HostSetting {
  names: string[];
  type: 'str' | 'int' | 'bool';
  default?: string | number | boolean;
  description: string;
}

/** The value of the first of `names` that is set (not undefined, null or ''), else undefined. */
export function firstSet(vars: HostVars, names: readonly string[]): unknown {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null && vars[n] !== '') return vars[n];
  return undefined;
}

/** A setting's value for a host: the first of its names that is set, else its default. */
export function settingValue(vars: HostVars, setting: HostSetting): unknown {
  return firstSet(vars, setting.names) ?? setting.default;
}
