// What every part of the executor shares during one run.
import type { DroverEvent, HostStatus } from '../output/events.js';
import type { Prompter } from '../output/prompter.js';
import type { Task } from '../playbook/model.js';
import type { Templar } from '../templating/types.js';
import type { ConnectionPool } from './connection-pool.js';
import type { RunningCommands } from './running-commands.js';
import type { VariableManager } from './variables.js';

export interface RunContext {
  templar: Templar;
  vars: VariableManager;
  pool: ConnectionPool;
  check: boolean;
  diff: boolean;
  verbosity: number;
  signal: AbortSignal;
  /** The person at the terminal, for pause. */
  prompter?: Prompter;
  /** Commands in flight, for the interrupt message. */
  running: RunningCommands;
  playbookDir: string;
  playConnection?: string;
  cliConnection?: string;
  emit(event: DroverEvent): void;
  /** Emit a host result, censored under no_log. */
  emitResult(task: Task, host: string, status: HostStatus, result: Record<string, unknown>, item?: { item: unknown; itemLabel: string }): void;
  /** A result as an event may carry it (censored under no_log), for events other than host results. */
  shownResult(task: Task, host: string, result: Record<string, unknown>): Record<string, unknown>;
  /** The name shown for a task: `role : name`, templated where it can be. */
  taskName(task: Task): string;
}
