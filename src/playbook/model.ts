// The playbook object model after loading and validation: plays hold blocks, blocks hold
// tasks. Static imports and roles are already expanded; dynamic includes stay as tasks.
import type { Location } from '../cli/errors.js';

/** Keywords that inherit from play to block to task (Ansible's "play context" fields). */
export interface Inheritable {
  when: unknown[];
  tags: string[];
  /** A boolean, or a template decided per host at run time. */
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: string;
  /** become_flags: extra flags for sudo/su (ansible_become_flags beats it). */
  becomeFlags?: string;
  /** connection on a block, task or role (a play's is here too): the transport, or a template of it. */
  connection?: string;
  /** remote_user: the login user; inventory ansible_user beats it, it beats -u (Ansible's order). */
  remoteUser?: string;
  /** port: the ssh port, or a template of it; the host's ansible_port beats it, it beats the config file. */
  port?: number | string;
  environment: Record<string, unknown>[];
  vars: Record<string, unknown>;
  // Boolean keywords are a template when Ansible would template them: decided per host at run time.
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean | string;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  /** diff: show diffs for these tasks (beats --diff), as in Ansible. */
  diff?: boolean | string;
  delegateTo?: string;
  /** delegate_facts: facts of a delegated task go to the delegated host. */
  delegateFacts?: boolean | string;
  runOnce?: boolean | string;
  anyErrorsFatal?: boolean | string;
  throttle?: number;
  /** module_defaults levels, outermost first; each maps a module name or group/NAME to arguments. */
  moduleDefaults: Record<string, unknown>[];
  /** Seconds a task may run (Ansible 2.10+), or a template of them; 0/absent for no limit. */
  timeout?: number | string;
}

export interface RoleContext {
  name: string;
  path: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  params: Record<string, unknown>;
}

export interface Task {
  kind: 'task';
  name?: string;
  action: string;
  /** Raw (untemplated) module arguments; a free-form string is in `_raw_params`. */
  args: Record<string, unknown>;
  /** The whole args were one templated expression (`copy: "{{ spec }}"`). */
  argsTemplate?: string;
  loop?: unknown;
  /** `loop`, or `with_<lookup>` (the items come from that lookup). */
  loopKind?: 'loop' | `with_${string}`;
  loopControl: { loopVar: string; indexVar?: string; label?: string; pause?: number; extended?: boolean };
  register?: string;
  until?: unknown;
  retries?: number;
  delay?: number;
  changedWhen?: unknown;
  failedWhen?: unknown;
  notify: string[];
  /** Handler topics (handlers only). */
  listen: string[];
  /** Inherited fields, already merged with parents at load time. */
  ctx: Inheritable;
  role?: RoleContext;
  /** For files/templates lookup: the dir of the file the task came from. */
  baseDir: string;
  loc: Location;
  /** Stable id for --start-at-task and events. */
  id: number;
  /** How many of ctx.when came from enclosing blocks (include_tasks passes only those on). */
  parentWhenCount: number;
  /** The tags of the enclosing blocks, play and role: what include_tasks passes on (its own tags stay on the include). */
  parentTags: string[];
}

export interface Block {
  kind: 'block';
  name?: string;
  block: Item[];
  rescue: Item[];
  always: Item[];
  ctx: Inheritable;
  loc: Location;
}

export type Item = Task | Block;

export type SerialSpec = (number | string)[];

export interface Play {
  name: string;
  hosts: string;
  /** A boolean, or a template of play vars and extra vars decided when the play starts. */
  gatherFacts: boolean | string;
  /** order: how the play's hosts are sorted (Ansible's inventory, reverse_inventory, sorted, reverse_sorted, shuffle). */
  order: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  /** The play's `gather_subset` for its fact gathering (Ansible's rules); absent gathers all. */
  gatherSubset?: string[];
  /** Batch sizes, or a template of play vars and extra vars rendered when the play starts. */
  serial?: SerialSpec | string;
  strategy: 'linear' | 'free';
  maxFailPercentage?: number;
  anyErrorsFatal: boolean | string;
  forceHandlers: boolean;
  connection?: string;
  /** Play vars (vars + vars_files are merged in order at run time). */
  vars: Record<string, unknown>;
  varsFiles: { path: unknown; loc: Location }[];
  /** pre_tasks, roles+tasks, post_tasks: handlers flush after each section. */
  sections: Item[][];
  /** Names of the roles the play's `roles:` lists (ansible_play_role_names). */
  roleNames: string[];
  handlers: Task[];
  ctx: Inheritable;
  baseDir: string;
  loc: Location;
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
