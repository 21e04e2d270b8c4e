// The one contract every module implements. Modules run on the controller and reach the
// target only through ctx.conn (POSIX sh + coreutils on the target, no Python).
// A module plans from facts it reads, and in check mode stops after planning: it must
// report what *would* change without changing anything.
import type { BecomeOptions, Connection } from '../connections/types.js';
import type { Prompter } from '../output/prompter.js';

/** Ansible's result shape; extra keys are allowed and become part of `register`. */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: unknown;
  rc?: number;
  stdout?: string;
  stderr?: string;
  stdout_lines?: string[];
  stderr_lines?: string[];
  diff?: FileDiff[];
  /** set_fact / register-like modules put new host facts here. */
  ansible_facts?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface FileDiff {
  before: string;
  after: string;
  before_header?: string;
  after_header?: string;
}

export interface ModuleContext {
  /** inventory_hostname */
  host: string;
  /** Connection to the target, already connected lazily on first use. */
  conn: Connection;
  /** Arguments after templating; a free-form string arrives as `_raw_params`. */
  args: Record<string, unknown>;
  /** All variables visible to this task on this host. */
  vars: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  become?: BecomeOptions;
  /** Task `environment:` merged, for commands run on the target. */
  environment: Record<string, string>;
  /** Resolve a controller-side file for copy/template `src` (role files/, templates/, playbook dir). */
  findFile(kind: 'files' | 'templates', path: string): string;
  /** Render a Jinja2 template text with the task's vars (plus extras). */
  render(text: string, extraVars?: Record<string, unknown>): string;
  /** Evaluate a bare Jinja2 expression (assert's `that`, debug's `var`) with the task's vars. */
  evaluate(expr: string): unknown;
  /** Show output at this verbosity (0 default, 1 with -v): debug's `verbosity`. */
  verbosity: number;
  /** Abort signal for long waits (pause, wait_for, until loops). */
  signal: AbortSignal;
  /** The person at the terminal (pause's prompt and countdown); absent means nobody can answer. */
  prompter?: Prompter;
}

export type ArgType = 'str' | 'bool' | 'int' | 'float' | 'path' | 'list' | 'dict' | 'raw';

export interface ArgSpec {
  type?: ArgType;
  required?: boolean;
  default?: unknown;
  choices?: readonly unknown[];
  aliases?: readonly string[];
  /** Value never shown in output (passwords). */
  noLog?: boolean;
}

export interface ModuleDef {
  /** Short name; `ansible.builtin.<name>` and `<name>` both resolve to it. */
  name: string;
  aliases?: readonly string[];
  /** Accepts `module: free form text` (command, shell, raw); the text is `_raw_params`. */
  freeForm?: boolean;
  /** Runs only on the controller and never touches ctx.conn (debug, set_fact, assert...). */
  controllerOnly?: boolean;
  /** Runs once for the batch, like run_once (Ansible's BYPASS_HOST_LOOP): pause asks one question, not one per host. */
  bypassHostLoop?: boolean;
  /** Declared arguments; unknown keys are an input error at load time. */
  args: Record<string, ArgSpec>;
  /** setup/gather_facts: the ansible_facts returned are the host's gathered facts, not set_fact's. */
  gathersFacts?: boolean;
  /** Modules that support check mode honestly; others are skipped in --check, like Ansible. */
  supportsCheck?: boolean;
  run(ctx: ModuleContext): Promise<ModuleResult>;
}
