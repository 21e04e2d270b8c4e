// The arguments Drover reads for the actions its executor runs itself (include/import of tasks
// and roles, include_vars, meta). Any other key is refused at load like a module's unknown
// argument, so Ansible options Drover does not implement (apply, public, vars_from,
// hash_behaviour, dir...) are never accepted and ignored.

const TASK_FILE = ['file', '_raw_params', 'vars'];

/** Accepted argument names per executor action; an action not listed here is not checked. */
export const EXECUTOR_ACTION_ARGS: Readonly<Record<string, readonly string[]>> = {
  include_tasks: TASK_FILE,
  import_tasks: TASK_FILE,
  include: TASK_FILE,
  include_role: ['name', 'tasks_from', 'vars'],
  import_role: ['name', 'tasks_from', 'vars'],
  include_vars: ['file', 'name', '_raw_params'],
  meta: ['_raw_params'],
};
