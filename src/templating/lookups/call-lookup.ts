// Ansible's Templar._lookup around a plugin: terms templated, errors= (strict, warn, ignore),
// and the result shape: query/wantlist gives the list; lookup joins strings with commas, gives
// a lone non-string item as itself and an empty result as [].
import { TemplateError } from '../../cli/errors.js';
import { RefusedLookup } from './refused.js';
import { findLookup } from './registry.js';
import { LookupError, type LookupContext } from './types.js';

/** Runs lookup `name`; `options` holds its keyword arguments, wantlist and errors included. */
export function callLookup(name: string, args: unknown[], options: Record<string, unknown>, ctx: LookupContext): unknown {
  const plugin = findLookup(name);
  if (!plugin) throw new TemplateError(`lookup plugin (${name}) not found`);
  const { wantlist = false, errors = 'strict', allow_unsafe: _unsafe, ...rest } = options;
  // listify_lookup_plugin_terms: templates inside the terms are rendered first
  const terms = ctx.templar.render(args, ctx.vars) as unknown[];
  let ran: unknown[];
  try {
    ran = plugin(terms, rest, ctx);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    if (err instanceof RefusedLookup) throw new TemplateError(err.message);
    const message = err instanceof LookupError ? err.message : `An unhandled exception occurred while running the lookup plugin '${name}'. Error was a <class 'ansible.errors.AnsibleError'>, original message: ${(err as Error).message ?? String(err)}`;
    if (errors === 'warn') ctx.warn?.(err instanceof LookupError ? `Lookup failed but the error is being ignored: ${message}` : message);
    else if (errors !== 'ignore') throw new TemplateError(message);
    return wantlist ? [] : null;
  }
  if (!ran.length || wantlist) return ran;
  if (ran.every((v) => typeof v === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}
