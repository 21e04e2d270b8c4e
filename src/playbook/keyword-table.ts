// Every play, block, task, handler, role-entry and loop_control keyword Ansible 2.14 declares
// (its FieldAttributes), and what Drover does with each. The loader accepts exactly the
// implemented ones and refuses the rest at load, so no keyword is ever accepted and ignored.
// test/unit/playbook/keyword-table.test.ts checks this list against the installed Ansible.

/** The playbook objects a keyword can sit on (Ansible's classes Play, Block, Task, Handler, RoleInclude, LoopControl). */
export type KeywordObject = 'play' | 'block' | 'task' | 'handler' | 'role' | 'loop_control';

export interface KeywordEntry {
  keyword: string;
  /** Where Ansible accepts it. */
  objects: KeywordObject[];
  /** implemented: Drover honours it; refused: loading a playbook that uses it is exit 5. */
  status: 'implemented' | 'refused';
  /** Objects on which Drover refuses it although it implements it elsewhere. */
  refusedOn?: KeywordObject[];
  /** Why it is refused, or what to do instead (shown with the refusal). */
  hint?: string;
  /** Ansible templates the value (a FieldAttribute that is not static). */
  templated: boolean;
  /** Drover does not template it although Ansible does: a template there is exit 5 at load, never taken literally. */
  droverLiteral?: string;
}

const ALL: KeywordObject[] = ['play', 'block', 'task', 'handler', 'role'];
const NOT_PLAY: KeywordObject[] = ['block', 'task', 'handler', 'role'];
const TASK: KeywordObject[] = ['task', 'handler'];
const PLAY: KeywordObject[] = ['play'];
const LC: KeywordObject[] = ['loop_control'];
const LITERAL_PLAY = 'a play setting Drover needs before any host is chosen; write the value itself';

function impl(keyword: string, objects: KeywordObject[], templated = true, extra: Partial<KeywordEntry> = {}): KeywordEntry {
  return { keyword, objects, status: 'implemented', templated, ...extra };
}

function refuse(keyword: string, objects: KeywordObject[], hint: string, templated = true): KeywordEntry {
  return { keyword, objects, status: 'refused', hint, templated };
}

/** The table, alphabetical. */
export const KEYWORD_TABLE: readonly KeywordEntry[] = [
  impl('action', TASK),
  impl('always', ['block']),
  impl('any_errors_fatal', ALL),
  impl('args', TASK),
  refuse('async', TASK, 'background tasks are not supported; drop async/poll to run the task in the foreground (a task timeout: bounds its run time)'),
  refuse('async_val', TASK, "Ansible's internal name for async, which Drover does not support"),
  impl('become', ALL),
  refuse('become_exe', ALL, 'Drover runs sudo or su from the PATH; set become_flags or become_method instead'),
  impl('become_flags', ALL),
  impl('become_method', ALL),
  impl('become_user', ALL),
  impl('block', ['block']),
  impl('changed_when', TASK),
  impl('check_mode', ALL),
  refuse('collections', ALL, "Drover's modules are its builtins; name them without a collection search path (ansible.builtin.* names work)", false),
  impl('connection', ALL),
  refuse('debugger', ALL, 'the interactive task debugger is not supported'),
  impl('delay', TASK, true, { droverLiteral: 'write the number of seconds itself' }),
  impl('delegate_facts', NOT_PLAY),
  impl('delegate_to', NOT_PLAY),
  impl('diff', ALL),
  impl('environment', ALL),
  impl('extended', LC, true, { droverLiteral: 'a loop setting; write true or false itself' }),
  refuse('extended_allitems', LC, 'ansible_loop.allitems is always present with extended: true'),
  refuse('fact_path', PLAY, 'local facts (facts.d) are not gathered'),
  impl('failed_when', TASK),
  impl('force_handlers', PLAY, true, { droverLiteral: LITERAL_PLAY }),
  impl('gather_facts', PLAY),
  impl('gather_subset', PLAY, true, { droverLiteral: LITERAL_PLAY }),
  refuse('gather_timeout', PLAY, 'fact gathering has a fixed time limit; use the setup module with gather_timeout'),
  impl('handlers', PLAY),
  impl('hosts', PLAY),
  impl('ignore_errors', ALL),
  impl('ignore_unreachable', ALL),
  impl('index_var', LC, true, { droverLiteral: 'a loop setting; write the variable name itself' }),
  impl('label', LC),
  impl('listen', ['handler'], false),
  impl('loop', TASK),
  impl('loop_control', TASK),
  impl('loop_var', LC, true, { droverLiteral: 'a loop setting; write the variable name itself' }),
  refuse('loop_with', TASK, "Ansible's internal form of with_<lookup>; write with_<lookup>: or loop:"),
  impl('max_fail_percentage', PLAY, true, { droverLiteral: LITERAL_PLAY }),
  impl('module_defaults', ALL),
  impl('name', ALL),
  impl('no_log', ALL),
  impl('notify', ['block', 'task', 'handler'], true, {
    refusedOn: ['block'],
    hint: 'notify on a block is not supported; put notify on its tasks',
    droverLiteral: 'handler names are checked at load; write the handler name or listen topic itself',
  }),
  impl('order', PLAY, true, { droverLiteral: LITERAL_PLAY }),
  impl('pause', LC, true, { droverLiteral: 'a loop setting; write the number itself' }),
  refuse('poll', TASK, 'poll only matters with async, which Drover does not support'),
  impl('port', ALL),
  impl('post_tasks', PLAY),
  impl('pre_tasks', PLAY),
  impl('register', TASK, false),
  impl('remote_user', ALL),
  impl('rescue', ['block']),
  impl('retries', TASK, true, { droverLiteral: 'write the number itself' }),
  impl('role', ['role']),
  impl('roles', PLAY),
  impl('run_once', ALL),
  impl('serial', PLAY),
  impl('strategy', PLAY, true, { droverLiteral: LITERAL_PLAY }),
  impl('tags', ALL, true, { droverLiteral: 'tags are selected before any variable is known; write the tag names themselves' }),
  impl('tasks', PLAY),
  impl('throttle', ALL, true, { droverLiteral: 'write the number itself' }),
  impl('timeout', ALL),
  impl('until', TASK),
  impl('vars', ALL, false),
  impl('vars_files', PLAY),
  refuse('vars_prompt', PLAY, 'interactive prompts for play variables are not supported; pass the values with -e'),
  impl('when', NOT_PLAY),
];

const BY_NAME = new Map(KEYWORD_TABLE.map((e) => [e.keyword, e]));

/** The table entry of a keyword, if Ansible knows it at all. */
export function keywordEntry(keyword: string): KeywordEntry | undefined {
  return BY_NAME.get(keyword);
}

/** Whether Drover accepts the keyword on this object (Ansible knows it there and Drover implements it). */
export function acceptsKeyword(object: KeywordObject, keyword: string): boolean {
  const e = BY_NAME.get(keyword);
  return !!e && e.objects.includes(object) && e.status === 'implemented' && !e.refusedOn?.includes(object);
}

/** Why Drover refuses a keyword Ansible accepts on this object, or undefined when it is not refused there. */
export function refusal(object: KeywordObject, keyword: string): { message: string; hint?: string } | undefined {
  const e = BY_NAME.get(keyword);
  if (!e || !e.objects.includes(object) || acceptsKeyword(object, keyword)) return undefined;
  return { message: `'${keyword}' is not supported by Drover`, hint: e.hint };
}

/** The keywords Drover accepts on an object. */
export function acceptedKeywords(object: KeywordObject): Set<string> {
  return new Set(KEYWORD_TABLE.filter((e) => acceptsKeyword(object, e.keyword)).map((e) => e.keyword));
}
