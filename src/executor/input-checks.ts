// Checks on the command line's choices that need the loaded playbooks: each fails before any
// host is contacted, with exit 5, instead of a run that silently does nothing or the wrong thing.
import { InputError } from '../cli/errors.js';
import { canonicalTransport, unknownTransportMessage } from '../connections/transport-names.js';
import { flattenTasks } from '../playbook/load-playbook.js';
import type { Playbook } from '../playbook/model.js';
import { startsAt } from './start-at-task.js';

/** -c NAME and -e ansible_connection=NAME must be connections Drover has. */
export function checkConnectionChoice(cliConnection: string | undefined, extraVars: Record<string, unknown>): void {
  if (cliConnection !== undefined && !canonicalTransport(cliConnection)) {
    throw new InputError(unknownTransportMessage(cliConnection), { file: '-c', field: 'connection' });
  }
  const fromE = extraVars.ansible_connection;
  if (fromE !== undefined && fromE !== null && !String(fromE).includes('{{') && !canonicalTransport(String(fromE))) {
    throw new InputError(unknownTransportMessage(String(fromE)), { file: '-e', field: 'ansible_connection' });
  }
}

/** --start-at-task must name a task of the playbooks (statically visible, as in Ansible). */
export function checkStartAtTask(books: Playbook[], pattern: string | undefined): void {
  if (pattern === undefined) return;
  for (const book of books) {
    for (const play of book.plays) {
      if (flattenTasks(play.sections.flat()).some((t) => startsAt(t, pattern))) return;
    }
  }
  throw new InputError(`--start-at-task '${pattern}' matches no task in ${books.map((b) => b.file).join(', ')}`, {
    field: 'start-at-task',
    hint: 'tasks in include_tasks files cannot be started at (they are loaded while running); use --list-tasks to see the names',
  });
}
