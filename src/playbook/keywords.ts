// The keywords each playbook object accepts. Anything else on a play or block is an input
// error; anything else on a task must be the one module name.

export const PLAY_KEYS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles',
  'gather_facts', 'gather_subset', 'gather_timeout', 'serial', 'strategy', 'max_fail_percentage', 'any_errors_fatal',
  'become', 'become_user', 'become_method', 'become_flags', 'environment', 'connection', 'tags',
  'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode', 'force_handlers', 'remote_user', 'port',
  'collections', 'module_defaults', 'order', 'throttle', 'run_once', 'debugger', 'diff', 'timeout',
]);

/** Keywords shared by tasks and blocks (they inherit downwards). */
const SHARED = [
  'name', 'when', 'tags', 'become', 'become_user', 'become_method', 'become_flags', 'environment', 'vars',
  'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode', 'delegate_to', 'delegate_facts', 'run_once',
  'any_errors_fatal', 'throttle', 'remote_user', 'connection', 'diff', 'debugger', 'collections',
  'module_defaults', 'timeout', 'port',
];

export const BLOCK_KEYS = new Set([...SHARED, 'block', 'rescue', 'always']);

export const TASK_KEYS = new Set([
  ...SHARED, 'action', 'local_action', 'args', 'loop', 'loop_control', 'register', 'until', 'retries', 'delay',
  'changed_when', 'failed_when', 'notify', 'listen', 'async', 'poll',
]);

/** Keys that start with with_ are loops (with_items, with_dict...). */
export const LOOP_KINDS = new Set(['with_items', 'with_list', 'with_dict', 'with_indexed_items', 'with_sequence']);

/** Task actions the executor handles itself (not modules). */
export const EXECUTOR_ACTIONS = new Set([
  'meta', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'include_vars', 'include', 'import_playbook',
]);

/** Free-form k=v words that command-like modules lift out of their free-form text. */
export const RAW_PARAM_KEYS = new Set([
  'chdir', 'creates', 'removes', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends',
]);
