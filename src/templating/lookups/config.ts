// config: Ansible configuration settings, answered with ansible-core 2.14's defaults for the
// settings Drover knows; others follow on_missing (error, warn, skip).
import { LookupError, type LookupRun } from './types.js';

/** ansible-core 2.14 defaults (no ansible.cfg, no ANSIBLE_* environment). */
const SETTINGS: Record<string, unknown> = {
  DEFAULT_BECOME_METHOD: 'sudo',
  DEFAULT_BECOME_USER: 'root',
  DEFAULT_FORKS: 5,
  DEFAULT_MANAGED_STR: 'Ansible managed',
  DEFAULT_HASH_BEHAVIOUR: 'replace',
  DEFAULT_JINJA2_NATIVE: false,
  DEFAULT_UNDEFINED_VAR_BEHAVIOR: true,
  DEFAULT_KEEP_REMOTE_FILES: false,
  DEFAULT_POLL_INTERVAL: 15,
  RETRY_FILES_ENABLED: false,
};

/** Each term names a setting; plugin_type/plugin_name are refused (Drover has no plugin configuration). */
export const config: LookupRun = (terms, options, ctx) => {
  const missing = options.on_missing ?? 'error';
  if (options.plugin_type !== undefined || options.plugin_name !== undefined) throw new LookupError('the config lookup answers global settings only in Drover (plugin_type/plugin_name are not supported)');
  if (typeof missing !== 'string' || !['error', 'warn', 'skip'].includes(missing)) throw new LookupError(`"on_missing" must be a string and one of "error", "warn" or "skip", not ${String(missing)}`);
  const out: unknown[] = [];
  for (const term of terms) {
    if (typeof term !== 'string') throw new LookupError(`Invalid setting identifier, "${String(term)}" is not a string, its a ${typeof term}`);
    if (Object.prototype.hasOwnProperty.call(SETTINGS, term)) out.push(SETTINGS[term]);
    else if (missing === 'error') throw new LookupError(`Unable to find setting ${term}`);
    else if (missing === 'warn') ctx.warn?.(`Skipping, did not find setting ${term}`);
  }
  return out;
};
