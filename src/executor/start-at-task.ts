// --start-at-task: which task names a pattern matches (Ansible: the name or fnmatch of it,
// with or without the role prefix), shared by the pre-run check and the runner.
import type { Task } from '../playbook/model.js';

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

/** Whether --start-at-task PATTERN starts at this task. */
export function startsAt(task: Task, pattern: string): boolean {
  if (!task.name) return false;
  const full = task.role ? `${task.role.name} : ${task.name}` : task.name;
  return task.name === pattern || full === pattern || globMatch(pattern, task.name) || globMatch(pattern, full);
}
