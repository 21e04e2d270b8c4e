// The keywords each playbook object accepts, derived from keyword-table.ts. Anything else on a
// play or block is an input error; anything else on a task must be the one module name.

import { LOOP_LOOKUPS } from '../templating/lookups/registry.js';
import { acceptedKeywords } from './keyword-table.js';

/** Play keywords Drover implements (from the keyword table). */
export const PLAY_KEYS = acceptedKeywords('play');

/** Block keywords Drover implements (from the keyword table). */
export const BLOCK_KEYS = acceptedKeywords('block');

/** Task keywords Drover implements (from the keyword table); handlers add listen. */
export const TASK_KEYS = acceptedKeywords('task');

/** Handler keywords Drover implements (a task's and listen). */
export const HANDLER_KEYS = acceptedKeywords('handler');

/** Keywords of a role entry under roles: (the rest of the entry are role parameters). */
export const ROLE_KEYS = acceptedKeywords('role');

/** loop_control options Drover implements. */
export const LOOP_CONTROL_KEYS = acceptedKeywords('loop_control');

/** `with_<lookup>` for every lookup Drover runs: each is `loop:` over that lookup (Ansible's rule). */
export const LOOP_KINDS: ReadonlySet<string> = new Set(LOOP_LOOKUPS.map((name) => `with_${name}`));

/** Task actions the executor handles itself (not modules). */
export const EXECUTOR_ACTIONS = new Set([
  'meta', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'include_vars', 'include', 'import_playbook',
]);

/** Free-form k=v words that command-like modules lift out of their free-form text. */
export const RAW_PARAM_KEYS = new Set([
  'chdir', 'creates', 'removes', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends',
]);
