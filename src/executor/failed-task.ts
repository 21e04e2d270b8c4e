// ansible_failed_task: the failed task as rescue tasks see it (Ansible's Task.serialize(), the
// fields playbooks read: name, action, args and the common keywords).
import type { Task } from '../playbook/model.js';

/** A plain-data view of a task for `ansible_failed_task` (raw, untemplated values, as Ansible's). */
export function failedTaskView(task: Task): Record<string, unknown> {
  return {
    name: task.name ?? '',
    action: task.action,
    args: task.args,
    when: task.ctx.when,
    tags: task.ctx.tags,
    register: task.register,
    loop: task.loop,
    delegate_to: task.ctx.delegateTo,
  };
}
