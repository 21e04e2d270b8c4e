// `with_<lookup>: value` is `loop: "{{ query('<lookup>', value) }}"` with Ansible's term rules
// (TaskExecutor._get_loop_items): the already templated value is the lookup's terms list;
// a string or scalar becomes a one-term list; first_found searches the action's directory.
import { TemplateError } from '../../cli/errors.js';
import { RefusedLookup } from './refused.js';
import { findLookup } from './registry.js';
import { LookupError, type LookupContext } from './types.js';
import type { Templar } from '../types.js';

/** The directory first_found searches for a task's action (Ansible: template, var, else file). */
export function loopSubdir(action: string): string {
  for (const subdir of ['template', 'var', 'file']) if (action.includes(subdir)) return `${subdir}s`;
  return 'files';
}

/** Ansible's listify_lookup_plugin_terms of a templated value; a mapping is its keys, except for with_dict. */
export function loopTerms(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object' && name !== 'dict' && name !== 'subelements') return Object.keys(value);
  return [value];
}

/** The items of `with_<name>: value`; lookup errors end the task as Ansible's do. */
export function withLoopItems(name: string, value: unknown, ctx: LookupContext): unknown[] {
  const plugin = findLookup(name);
  if (!plugin) throw new TemplateError(`Unexpected failure in finding the lookup named '${name}' in the available lookup plugins`);
  try {
    return plugin(loopTerms(name, value), {}, ctx);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    if (err instanceof RefusedLookup || err instanceof LookupError) throw new TemplateError(err.message);
    throw new TemplateError((err as Error).message ?? String(err));
  }
}

/**
 * A loop's templated value. with_first_found passes over a term with an undefined variable
 * (Ansible templates its terms with fail_on_undefined=False and drops what stays a template).
 */
export function renderLoopValue(kind: string | undefined, value: unknown, templar: Templar, vars: Record<string, unknown>): unknown {
  if (kind !== 'with_first_found' || !Array.isArray(value)) return templar.render(value, vars);
  return value.flatMap((term) => {
    try {
      return [templar.render(term, vars)];
    } catch (err) {
      if (err instanceof TemplateError) return [];
      throw err;
    }
  });
}
