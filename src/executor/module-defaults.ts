// module_defaults: argument defaults for modules, from the play, role, block and task levels,
// merged as Ansible's get_action_args_with_defaults does (later levels replace a module's
// entry; group entries first, then the module's own; the task's own arguments win).
type Vars = Record<string, unknown>;

/** The action groups Drover can honour: Ansible's group, restricted to the modules Drover has. */
export const ACTION_GROUPS: Record<string, string[]> = {
  k8s: ['k8s', 'k8s_info', 'k8s_drain'],
  'kubernetes.core.k8s': ['k8s', 'k8s_info', 'k8s_drain'],
};

/** The defaults that apply to `module` (its canonical name), before templating. */
export function defaultsFor(levels: Vars[], module: string): Vars {
  const merged: Vars = {};
  for (const level of levels) Object.assign(merged, level);
  const out: Vars = {};
  for (const [key, value] of Object.entries(merged)) {
    if (key.startsWith('group/') && ACTION_GROUPS[key.slice(6)]?.includes(module)) Object.assign(out, value as Vars);
  }
  Object.assign(out, (merged[module] as Vars | undefined) ?? {});
  return out;
}
