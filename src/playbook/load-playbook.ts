// Loads a playbook file into the model, expanding import_playbook, import_tasks, roles and
// import_role statically, and validating every keyword and module argument so that bad
// input fails here, naming file:line:col, before any host is contacted.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError, type Location } from '../cli/errors.js';
import { canonicalTransport, unknownTransportMessage } from '../connections/transport-names.js';
import { findModule, moduleNames } from '../modules/index.js';
import { unknownArgs } from '../modules/args.js';
import { EXECUTOR_ACTION_ARGS } from './executor-action-args.js';
import { BadSubsetError, selectCollectors } from '../modules/facts/gather-subset.js';
import { OPEN_ARG_MODULES } from '../modules/builtin-commands.js';
import { ACTION_GROUPS } from '../executor/module-defaults.js';
import { BLOCK_KEYS, EXECUTOR_ACTIONS, HANDLER_KEYS, LOOP_CONTROL_KEYS, LOOP_KINDS, PLAY_KEYS, RAW_PARAM_KEYS, ROLE_KEYS, TASK_KEYS } from './keywords.js';
import { keywordEntry, refusal, type KeywordObject } from './keyword-table.js';
import { parseKeyValues } from './kv-args.js';
import type { Block, Inheritable, Item, Play, Playbook, RoleContext, SerialSpec, Task } from './model.js';
import { keyLocation, locationOf, readYamlFile } from './yaml-source.js';

let nextTaskId = 1;

type Raw = Record<string, unknown>;

function isMapping(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(message: string, obj: unknown, key?: string, hint?: string): never {
  const where = (key ? keyLocation(obj, key) : locationOf(obj)) ?? {};
  throw new InputError(message, { ...where, field: key, hint });
}

/** A Jinja2 template (Ansible templates most keywords; Drover renders these per host at run time). */
function isTemplate(v: unknown): v is string {
  return typeof v === 'string' && /\{\{|\{%/.test(v);
}

/** Refuse, naming the keyword, what the keyword table says Drover does not do on this object. */
function checkKeywords(raw: Raw, object: KeywordObject): void {
  for (const [key, value] of Object.entries(raw)) {
    const refused = refusal(object, key);
    if (refused) fail(refused.message, raw, key, refused.hint);
    const literal = keywordEntry(key)?.droverLiteral;
    if (literal && keywordEntry(key)!.objects.includes(object) && (isTemplate(value) || (Array.isArray(value) && value.some(isTemplate)))) {
      fail(`'${key}' is templated, which Drover does not support for this keyword`, raw, key, literal);
    }
  }
}

/** A boolean keyword: a template stays a string and is decided per host at run time, as in Ansible. */
function asFlag(v: unknown, obj: unknown, key: string): boolean | string | undefined {
  return isTemplate(v) ? v : asBool(v, obj, key);
}

function asBool(v: unknown, obj: unknown, key: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['yes', 'true', 'on', '1', 'y'].includes(s)) return true;
    if (['no', 'false', 'off', '0', 'n', ''].includes(s)) return false;
    // a template: decided at run time is not supported for these keywords; keep Ansible's strictness
  }
  if (typeof v === 'number') return v !== 0;
  return fail(`'${key}' must be a boolean, got ${JSON.stringify(v)}`, obj, key);
}

function asStringList(v: unknown, obj: unknown, key: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.map((x) => String(x));
  return fail(`'${key}' must be a string or a list of strings`, obj, key);
}

function asMapping(v: unknown, obj: unknown, key: string): Raw {
  if (v === undefined || v === null) return {};
  if (!isMapping(v)) fail(`'${key}' must be a mapping`, obj, key);
  return v as Raw;
}

/** `port:` a TCP port, or a template decided per host at run time (checked then). */
function asPort(v: unknown, obj: unknown): number | string {
  if (typeof v === 'string' && v.includes('{{')) return v;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) return fail(`'port' must be a TCP port number (1-65535), got ${JSON.stringify(v)}`, obj, 'port');
  return n;
}

/** `timeout:` seconds, or a template decided per host at run time. */
function asTimeout(v: unknown, obj: unknown): number | string {
  if (typeof v === 'string' && v.includes('{{')) return v;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0) return fail(`'timeout' must be a whole number of seconds, got ${JSON.stringify(v)}`, obj, 'timeout');
  return n;
}

function asConditions(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Merge a child object's inheritable keywords over its parent's. */
function inherit(parent: Inheritable, raw: Raw): Inheritable {
  const env = raw.environment;
  return {
    when: [...parent.when, ...asConditions(raw.when)],
    tags: [...new Set([...parent.tags, ...asStringList(raw.tags, raw, 'tags')])],
    become: asFlag(raw.become, raw, 'become') ?? parent.become,
    becomeUser: raw.become_user !== undefined ? String(raw.become_user) : parent.becomeUser,
    becomeMethod: raw.become_method !== undefined ? String(raw.become_method) : parent.becomeMethod,
    becomeFlags: raw.become_flags !== undefined && raw.become_flags !== null ? String(raw.become_flags) : parent.becomeFlags,
    connection: raw.connection !== undefined && raw.connection !== null ? playConnection(raw) : parent.connection,
    remoteUser: raw.remote_user !== undefined && raw.remote_user !== null ? String(raw.remote_user) : parent.remoteUser,
    port: raw.port !== undefined && raw.port !== null ? asPort(raw.port, raw) : parent.port,
    environment: env !== undefined && env !== null ? [...parent.environment, env as Raw] : parent.environment,
    vars: raw.vars !== undefined ? { ...parent.vars, ...asMapping(raw.vars, raw, 'vars') } : parent.vars,
    ignoreErrors: asFlag(raw.ignore_errors, raw, 'ignore_errors') ?? parent.ignoreErrors,
    ignoreUnreachable: asFlag(raw.ignore_unreachable, raw, 'ignore_unreachable') ?? parent.ignoreUnreachable,
    noLog: asFlag(raw.no_log, raw, 'no_log') ?? parent.noLog,
    checkMode: asFlag(raw.check_mode, raw, 'check_mode') ?? parent.checkMode,
    diff: asFlag(raw.diff, raw, 'diff') ?? parent.diff,
    delegateTo: raw.delegate_to !== undefined ? String(raw.delegate_to) : parent.delegateTo,
    delegateFacts: asFlag(raw.delegate_facts, raw, 'delegate_facts') ?? parent.delegateFacts,
    runOnce: asFlag(raw.run_once, raw, 'run_once') ?? parent.runOnce,
    anyErrorsFatal: asFlag(raw.any_errors_fatal, raw, 'any_errors_fatal') ?? parent.anyErrorsFatal,
    throttle: raw.throttle !== undefined ? asThrottle(raw.throttle, raw) : parent.throttle,
    moduleDefaults: raw.module_defaults !== undefined && raw.module_defaults !== null ? [...parent.moduleDefaults, ...moduleDefaults(raw.module_defaults, raw)] : parent.moduleDefaults,
    timeout: raw.timeout !== undefined && raw.timeout !== null ? asTimeout(raw.timeout, raw) : parent.timeout,
  };
}

function rootContext(): Inheritable {
  return { when: [], tags: [], environment: [], vars: {}, moduleDefaults: [] };
}

/** Resolve a path relative to the file that names it (Ansible: relative to the playbook/role dir). */
function resolveFrom(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

interface LoadScope {
  baseDir: string;
  role?: RoleContext;
  /** Roles already imported in this play, to run each (name+params) once. */
  seenRoles: Set<string>;
  playbookDir: string;
  /** Guards against import cycles. */
  stack: string[];
  /** Loading a handlers list (handlers may also have listen). */
  handlers?: boolean;
}

/** Loads task lists, roles and imports for one playbook. */
export class PlaybookLoader {
  constructor(private readonly rolesPath: string[] = []) {}

  /** Load a playbook file and everything it imports. */
  load(file: string): Playbook {
    const abs = resolve(file);
    const plays = this.loadPlays(abs, [], undefined);
    return { file: abs, dir: dirname(abs), plays };
  }

  private loadPlays(file: string, stack: string[], from: Location | undefined): Play[] {
    if (stack.includes(file)) throw new InputError(`import_playbook cycle: ${[...stack, file].join(' -> ')}`, from ?? { file });
    const doc = readYamlFile(file, from);
    // an empty file, `[]` or only comments is a mistake (a wrong path, a truncated file), not a no-op
    if (doc === null || (Array.isArray(doc) && doc.length === 0)) {
      const what = doc === null ? 'empty playbook, nothing to do' : 'a playbook must contain at least one play';
      throw new InputError(from ? `${what}: ${file}` : what, from ?? { file });
    }
    return this.playsFrom(doc, file, stack);
  }

  /** Build a playbook from data already in memory (drover run's one-task play). */
  fromData(doc: unknown, file: string): Playbook {
    const abs = resolve(file);
    return { file: abs, dir: dirname(abs), plays: this.playsFrom(doc, abs, []) };
  }

  private playsFrom(doc: unknown, file: string, stack: string[]): Play[] {
    if (doc === null) return [];
    if (!Array.isArray(doc)) fail('a playbook must be a list of plays', doc);
    const plays: Play[] = [];
    for (const entry of doc as unknown[]) {
      if (!isMapping(entry)) fail('each play must be a mapping', doc);
      if ('import_playbook' in entry || 'ansible.builtin.import_playbook' in entry) {
        const target = String(entry.import_playbook ?? entry['ansible.builtin.import_playbook']);
        for (const key of Object.keys(entry)) {
          if (key === 'import_playbook' || key === 'ansible.builtin.import_playbook' || key === 'vars' || key === 'name') continue;
          // Ansible applies tags and when to every imported play; until Drover does, they are refused, never ignored
          fail(`'${key}' on import_playbook is not supported by Drover (supported: vars, name); put it on the imported plays`, entry, key);
        }
        const importVars = asMapping(entry.vars, entry, 'vars');
        // as Ansible does, the import's vars update each imported play's vars (play-vars precedence)
        const imported = this.loadPlays(resolveFrom(dirname(file), target), [...stack, file], keyLocation(entry, 'import_playbook'));
        plays.push(...imported.map((p) => (Object.keys(importVars).length ? { ...p, vars: { ...p.vars, ...importVars } } : p)));
        continue;
      }
      plays.push(this.loadPlay(entry, file));
    }
    return plays;
  }

  private loadPlay(raw: Raw, file: string): Play {
    checkKeywords(raw, 'play');
    for (const key of Object.keys(raw)) {
      if (!PLAY_KEYS.has(key)) {
        const hint = TASK_KEYS.has(key) || findModule(key) ? 'tasks go under "tasks:"' : undefined;
        fail(`'${key}' is not a valid attribute for a Play`, raw, key, hint);
      }
    }
    if (raw.hosts === undefined || raw.hosts === null || raw.hosts === '') fail("the field 'hosts' is required but was not set", raw, 'hosts');
    const hosts = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(',') : String(raw.hosts);
    const baseDir = dirname(file);
    const ctx = inherit(rootContext(), raw);
    const scope: LoadScope = { baseDir, seenRoles: new Set(), playbookDir: baseDir, stack: [file] };

    const varsFiles = asStringListOrItems(raw.vars_files, raw).map((p) => ({ path: p, loc: keyLocation(raw, 'vars_files') ?? { file } }));
    // vars on the play are play vars, not inherited task vars (they sit at their own precedence level)
    const playVars = asMapping(raw.vars, raw, 'vars');
    const taskCtx: Inheritable = { ...ctx, vars: {} };

    const pre = this.loadItems(raw.pre_tasks, raw, 'pre_tasks', taskCtx, scope);
    const roleItems: Item[] = [];
    for (const r of asList(raw.roles, raw, 'roles')) roleItems.push(...this.loadRoleEntry(r, raw, taskCtx, scope));
    const tasks = this.loadItems(raw.tasks, raw, 'tasks', taskCtx, scope);
    const post = this.loadItems(raw.post_tasks, raw, 'post_tasks', taskCtx, scope);
    const handlers = [
      ...this.roleHandlers,
      ...flattenTasks(this.loadItems(raw.handlers, raw, 'handlers', taskCtx, { ...scope, handlers: true })),
    ];
    this.roleHandlers = [];

    const strategy = raw.strategy === undefined ? 'linear' : String(raw.strategy);
    if (strategy !== 'linear' && strategy !== 'free') fail(`unknown strategy '${strategy}' (linear, free)`, raw, 'strategy');
    let maxFail: number | undefined;
    if (raw.max_fail_percentage !== undefined) {
      maxFail = Number(raw.max_fail_percentage);
      if (Number.isNaN(maxFail) || maxFail < 0 || maxFail > 100) fail('max_fail_percentage must be a number from 0 to 100', raw, 'max_fail_percentage');
    }
    return {
      name: raw.name !== undefined ? String(raw.name) : hosts,
      hosts,
      gatherFacts: asFlag(raw.gather_facts, raw, 'gather_facts') ?? true,
      order: playOrder(raw),
      gatherSubset: raw.gather_subset !== undefined && raw.gather_subset !== null ? gatherSubset(raw) : undefined,
      serial: parseSerial(raw.serial, raw),
      strategy,
      maxFailPercentage: maxFail,
      anyErrorsFatal: ctx.anyErrorsFatal ?? false,
      forceHandlers: asBool(raw.force_handlers, raw, 'force_handlers') ?? false,
      connection: raw.connection !== undefined ? playConnection(raw) : undefined,
      vars: playVars,
      varsFiles,
      sections: [pre, [...roleItems, ...tasks], post],
      roleNames: asList(raw.roles, raw, 'roles').map((r) => String(isMapping(r) ? (r.role ?? r.name ?? '') : r)),
      handlers,
      ctx: taskCtx,
      baseDir,
      loc: locationOf(raw) ?? { file },
    };
  }

  private roleHandlers: Task[] = [];

  /** Load a list of tasks/blocks under `key` of `owner`. */
  loadItems(value: unknown, owner: unknown, key: string, parent: Inheritable, scope: LoadScope): Item[] {
    const list = asList(value, owner, key);
    const items: Item[] = [];
    for (const raw of list) {
      if (!isMapping(raw)) fail(`each entry of '${key}' must be a mapping (a task or a block)`, list);
      items.push(...this.loadItem(raw, parent, scope));
    }
    return items;
  }

  /** Load the tasks of a task file (import_tasks at load time, include_tasks at run time). */
  loadTaskFile(path: string, parent: Inheritable, scope: LoadScope, from: Location): Item[] {
    if (scope.stack.includes(path)) throw new InputError(`task include cycle: ${[...scope.stack, path].join(' -> ')}`, from);
    if (!existsSync(path)) throw new InputError(`could not find task file ${path}`, from);
    const doc = readYamlFile(path, from);
    if (doc === null) return [];
    if (!Array.isArray(doc)) fail('a task file must be a list of tasks', doc);
    return this.loadItems(doc, doc, 'tasks', parent, { ...scope, baseDir: dirname(path), stack: [...scope.stack, path] });
  }

  private loadItem(raw: Raw, parent: Inheritable, scope: LoadScope): Item[] {
    if ('block' in raw) {
      checkKeywords(raw, 'block');
      for (const key of Object.keys(raw)) if (!BLOCK_KEYS.has(key)) fail(`'${key}' is not a valid attribute for a Block`, raw, key);
      const ctx = inherit(parent, raw);
      const block: Block = {
        kind: 'block',
        name: raw.name !== undefined ? String(raw.name) : undefined,
        block: this.loadItems(raw.block, raw, 'block', ctx, scope),
        rescue: this.loadItems(raw.rescue, raw, 'rescue', ctx, scope),
        always: this.loadItems(raw.always, raw, 'always', ctx, scope),
        ctx,
        loc: locationOf(raw) ?? { file: scope.baseDir },
      };
      return [block];
    }
    const task = this.loadTask(raw, parent, scope);
    // static imports expand here; their keywords (when, tags, vars...) apply to every task inside
    if (task.action === 'import_tasks') {
      const file = String(task.args.file ?? task.args._raw_params ?? '');
      if (!file || file.includes('{{')) fail('import_tasks needs a static file name', raw);
      const ctx = { ...task.ctx, vars: { ...task.ctx.vars, ...paramVars(task.args) } };
      return this.loadTaskFile(resolveTaskPath(scope, file), ctx, scope, task.loc);
    }
    if (task.action === 'import_role' || task.action === 'include_role') {
      const name = String(task.args.name ?? '');
      if (!name) fail(`${task.action} needs 'name'`, raw);
      // include_role in a loop runs the role once per item at run time, as Ansible's dynamic include does;
      // a static name is loaded now too, so a missing role fails here and its handlers are the play's
      if (task.action === 'include_role' && task.loop !== undefined) {
        if (!isTemplate(name)) this.loadRole(name, {}, task.ctx, { ...scope, seenRoles: new Set() }, task.loc, String(task.args.tasks_from ?? 'main'));
        return [task];
      }
      return this.loadRole(name, { ...(task.args.vars as Raw | undefined) }, task.ctx, scope, task.loc, String(task.args.tasks_from ?? 'main'));
    }
    return [task];
  }

  private loadTask(raw: Raw, parent: Inheritable, scope: LoadScope): Task {
    let action: string | undefined;
    let argValue: unknown;
    let actionKey: string | undefined;
    let delegateLocal = false;
    const object: KeywordObject = scope.handlers ? 'handler' : 'task';
    checkKeywords(raw, object);
    const accepted = object === 'handler' ? HANDLER_KEYS : TASK_KEYS;
    for (const key of Object.keys(raw)) {
      // local_action is action syntax (Ansible's ModuleArgsParser), not a FieldAttribute
      if (accepted.has(key) || LOOP_KINDS.has(key) || key === 'local_action') continue;
      if (key.startsWith('with_')) fail(`'${key}' is not supported (supported: ${[...LOOP_KINDS].join(', ')}, loop)`, raw, key);
      const name = key.replace(/^ansible\.(builtin|legacy)\./, '');
      if (findModule(key) || EXECUTOR_ACTIONS.has(name)) {
        if (action) fail(`conflicting action statements: ${actionKey}, ${key}`, raw, key);
        action = findModule(key)?.name ?? name;
        argValue = raw[key];
        actionKey = key;
        continue;
      }
      const known = moduleNames();
      const close = known.find((m) => m.startsWith(key.slice(0, 3)));
      fail(
        action ? `'${key}' is not a valid attribute for a Task` : `couldn't resolve module/action '${key}'`,
        raw,
        key,
        close ? `did you mean '${close}'?` : undefined,
      );
    }
    if (raw.action !== undefined || raw.local_action !== undefined) {
      if (action) fail(`conflicting action statements: ${actionKey}, ${raw.action !== undefined ? 'action' : 'local_action'}`, raw, 'action');
      const key = raw.action !== undefined ? 'action' : 'local_action';
      delegateLocal = key === 'local_action';
      const v = raw[key];
      if (isMapping(v)) {
        const { module, ...rest } = v as Raw;
        action = String(module ?? '');
        argValue = rest;
      } else {
        const text = String(v ?? '').trim();
        const sp = text.search(/\s/);
        action = sp < 0 ? text : text.slice(0, sp);
        argValue = sp < 0 ? '' : text.slice(sp + 1);
      }
      actionKey = key;
      const short = action.replace(/^ansible\.(builtin|legacy)\./, '');
      if (!findModule(action) && !EXECUTOR_ACTIONS.has(short)) fail(`couldn't resolve module/action '${action}'`, raw, key);
      action = findModule(action)?.name ?? short;
    }
    if (!action) fail('no module/action detected in task', raw, undefined, `known modules: ${moduleNames().join(', ')}`);

    const loc = keyLocation(raw, actionKey!) ?? locationOf(raw) ?? { file: scope.baseDir };
    const def = findModule(action);
    let args: Raw = {};
    let argsTemplate: string | undefined;
    if (typeof argValue === 'string' && /^\s*\{\{[^}]*\}\}\s*$/.test(argValue) && !def?.freeForm) {
      argsTemplate = argValue;
    } else if (typeof argValue === 'string' || typeof argValue === 'number') {
      const text = String(argValue);
      if (def?.freeForm || EXECUTOR_ACTIONS.has(action)) {
        args = parseKeyValues(text, def?.freeForm ? RAW_PARAM_KEYS : new Set(['file', 'name', 'apply'])).args;
        if (!def?.freeForm && args._raw_params !== undefined && !('file' in args) && !('name' in args)) {
          args = { _raw_params: args._raw_params };
        }
      } else if (text.trim() !== '') {
        const parsed = parseKeyValues(text);
        if (parsed.bad !== undefined) {
          fail(`module ${action} does not take free-form text ('${parsed.bad}'); use key=value or a mapping`, raw, actionKey);
        }
        args = parsed.args;
      }
    } else if (isMapping(argValue)) {
      args = { ...argValue };
    } else if (argValue !== null && argValue !== undefined) {
      fail(`arguments of ${action} must be a mapping or key=value text`, raw, actionKey);
    }
    if (raw.args !== undefined) Object.assign(args, asMapping(raw.args, raw, 'args'));
    if (def && !OPEN_ARG_MODULES.has(def.name)) {
      const bad = unknownArgs(def, Object.keys(args));
      if (bad.length) fail(`unsupported parameter${bad.length > 1 ? 's' : ''} for module ${def.name}: ${bad.join(', ')}`, raw, actionKey, `supported: ${Object.keys(def.args).join(', ')}`);
    }
    const actionArgs = EXECUTOR_ACTION_ARGS[action];
    const refused = actionArgs ? Object.keys(args).filter((k) => !actionArgs.includes(k)) : [];
    if (refused.length) fail(`unsupported parameter${refused.length > 1 ? 's' : ''} for ${action}: ${refused.join(', ')}`, raw, actionKey, `supported: ${actionArgs!.filter((k) => k !== '_raw_params').join(', ')}`);

    let loop: unknown;
    let loopKind: Task['loopKind'];
    if (raw.loop !== undefined) {
      loop = raw.loop;
      loopKind = 'loop';
    }
    for (const kind of LOOP_KINDS) {
      if (raw[kind] !== undefined) {
        if (loopKind) fail(`only one of loop and ${kind} may be set`, raw, kind);
        loop = raw[kind];
        loopKind = kind as Task['loopKind'];
      }
    }
    const lc = asMapping(raw.loop_control, raw, 'loop_control');
    checkKeywords(lc, 'loop_control');
    for (const k of Object.keys(lc)) {
      if (!LOOP_CONTROL_KEYS.has(k)) fail(`'${k}' is not a valid loop_control option`, lc, k);
    }
    const ctx = inherit(parent, raw);
    if (delegateLocal) ctx.delegateTo = 'localhost';
    const num = (k: string): number | undefined => {
      if (raw[k] === undefined) return undefined;
      const n = Number(raw[k]);
      if (Number.isNaN(n)) {
        if (typeof raw[k] === 'string' && String(raw[k]).includes('{{')) return undefined;
        fail(`'${k}' must be a number`, raw, k);
      }
      return n;
    };
    if (raw.register !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(raw.register))) fail(`'${String(raw.register)}' is not a valid variable name`, raw, 'register');
    return {
      kind: 'task',
      name: raw.name !== undefined && raw.name !== null ? String(raw.name) : undefined,
      action,
      args,
      argsTemplate,
      loop,
      loopKind,
      loopControl: {
        loopVar: lc.loop_var !== undefined ? String(lc.loop_var) : 'item',
        indexVar: lc.index_var !== undefined ? String(lc.index_var) : undefined,
        label: lc.label !== undefined ? String(lc.label) : undefined,
        pause: lc.pause !== undefined ? Number(lc.pause) : undefined,
        extended: lc.extended !== undefined ? Boolean(lc.extended) : undefined,
      },
      register: raw.register !== undefined ? String(raw.register) : undefined,
      until: raw.until,
      retries: num('retries'),
      delay: num('delay'),
      changedWhen: raw.changed_when,
      failedWhen: raw.failed_when,
      notify: asStringList(raw.notify, raw, 'notify'),
      listen: asStringList(raw.listen, raw, 'listen'),
      ctx,
      role: scope.role,
      baseDir: scope.baseDir,
      loc,
      id: nextTaskId++,
      parentWhenCount: parent.when.length,
      parentTags: parent.tags,
    };
  }

  private loadRoleEntry(entry: unknown, play: Raw, parent: Inheritable, scope: LoadScope): Item[] {
    let name: string;
    const params: Raw = {};
    // an entry's vars: are role vars (seen play-wide, as Ansible's), not role parameters
    const entryVars: Raw = {};
    let rawCtx: Raw = {};
    if (typeof entry === 'string') name = entry;
    else if (isMapping(entry)) {
      name = String(entry.role ?? entry.name ?? '');
      // Ansible's role keywords apply to the role's tasks; every other key is a role parameter
      checkKeywords(entry, 'role');
      for (const [k, v] of Object.entries(entry)) {
        if (k === 'vars') Object.assign(entryVars, asMapping(v, entry, 'vars'));
        else if (ROLE_KEYS.has(k)) rawCtx[k] = v;
        else params[k] = v;
      }
      rawCtx = { ...rawCtx };
      delete rawCtx.vars;
    } else return fail("each entry of 'roles' must be a role name or a mapping", play, 'roles');
    if (!name) fail('role entry without a name', entry ?? play);
    const ctx = inherit(parent, rawCtx);
    return this.loadRole(name, params, ctx, scope, locationOf(entry) ?? keyLocation(play, 'roles') ?? { file: scope.playbookDir }, 'main', entryVars);
  }

  private findRole(name: string, scope: LoadScope): string | undefined {
    const candidates = [
      join(scope.baseDir, 'roles', name),
      join(scope.playbookDir, 'roles', name),
      ...this.rolesPath.map((p) => join(p, name)),
      resolveFrom(scope.playbookDir, name),
    ];
    return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
  }

  /** A looped include_role's tasks for one item at run time (its handlers were registered at load). */
  loadIncludedRole(name: string, tasksFrom: string, parent: Inheritable, scope: LoadScope, from: Location): Item[] {
    const items = this.loadRole(name, {}, parent, scope, from, tasksFrom);
    this.roleHandlers = [];
    return items;
  }

  private loadRole(name: string, params: Raw, ctx: Inheritable, scope: LoadScope, from: Location, tasksFrom: string, entryVars: Raw = {}): Item[] {
    const path = this.findRole(name, scope);
    if (!path) throw new InputError(`the role '${name}' was not found in ${join(scope.playbookDir, 'roles')}${this.rolesPath.length ? ` or ${this.rolesPath.join(', ')}` : ''}`, from);
    const meta = roleMeta(path);
    // a role runs once per play for each set of parameters, unless its meta allows duplicates (Ansible's rule)
    const key = `${path}:${tasksFrom}:${JSON.stringify(params)}:${JSON.stringify(entryVars)}`;
    if (!meta.allowDuplicates && scope.seenRoles.has(key)) return [];
    scope.seenRoles.add(key);
    // meta/main.yml dependencies run first, depth-first, under the depending role's keywords
    const deps: Item[] = [];
    for (const dep of meta.dependencies) deps.push(...this.loadRoleEntry(dep, meta.raw, ctx, scope));
    const readVars = (dir: string): Raw => {
      const f = yamlIn(join(path, dir), 'main');
      if (!f) return {};
      const v = readYamlFile(f);
      if (v === null) return {};
      if (!isMapping(v)) fail(`${dir}/main.yml of role ${name} must be a mapping`, v);
      return v as Raw;
    };
    // Ansible's Role.get_vars: the entry's vars, then vars/main.yml over them
    const role: RoleContext = { name, path, defaults: readVars('defaults'), vars: { ...entryVars, ...readVars('vars') }, params };
    const roleScope: LoadScope = { ...scope, role, baseDir: join(path, 'tasks') };
    const tasksFile = yamlIn(join(path, 'tasks'), tasksFrom);
    const items = [...deps, ...(tasksFile ? this.loadTaskFile(tasksFile, ctx, roleScope, from) : [])];
    const handlersFile = yamlIn(join(path, 'handlers'), 'main');
    if (handlersFile && tasksFrom === 'main') {
      this.roleHandlers.push(...flattenTasks(this.loadTaskFile(handlersFile, ctx, { ...roleScope, baseDir: join(path, 'handlers'), handlers: true }, from)));
    }
    return items;
  }
}

/** A play's `gather_subset:`, checked now so a bad subset fails before any host is contacted. */
function gatherSubset(raw: Raw): string[] {
  const subset = asStringList(raw.gather_subset, raw, 'gather_subset');
  try {
    selectCollectors(subset);
  } catch (err) {
    if (err instanceof BadSubsetError) fail(err.message, raw, 'gather_subset');
    throw err;
  }
  return subset;
}

/** A play's `connection:`; a name Drover has no connection for fails here, unless templated. */
function playConnection(raw: Raw): string {
  const name = String(raw.connection);
  if (!name.includes('{{') && !canonicalTransport(name)) fail(unknownTransportMessage(name), raw, 'connection');
  return name;
}

const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] as const;

/** A play's `order:` (how its hosts are sorted); anything else is exit 5, as Ansible refuses it. */
function playOrder(raw: Raw): Play['order'] {
  if (raw.order === undefined || raw.order === null) return 'inventory';
  const order = String(raw.order);
  if (!(ORDERS as readonly string[]).includes(order)) fail(`'order' must be one of ${ORDERS.join(', ')}, got ${JSON.stringify(raw.order)}`, raw, 'order');
  return order as Play['order'];
}

/** `throttle:` a whole number of hosts at once (0: no limit). */
function asThrottle(v: unknown, obj: Raw): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0) return fail(`'throttle' must be a whole number, got ${JSON.stringify(v)}`, obj, 'throttle');
  return n;
}

/** `module_defaults:` a mapping (or list of mappings) of module names or group/NAME to argument mappings; names resolve to Drover's modules now. */
function moduleDefaults(value: unknown, owner: Raw): Raw[] {
  const levels = Array.isArray(value) ? value : [value];
  return levels.map((level) => {
    if (!isMapping(level)) return fail("'module_defaults' must be a mapping of module names to arguments, or a list of them", owner, 'module_defaults');
    const out: Raw = {};
    for (const [name, args] of Object.entries(level)) {
      if (!isMapping(args) && !isTemplate(args)) fail(`module_defaults for '${name}' must be a mapping of arguments`, level, name);
      if (name.startsWith('group/')) {
        if (!ACTION_GROUPS[name.slice(6)]) fail(`module_defaults group '${name}' is not supported by Drover`, level, name, `groups Drover honours: ${Object.keys(ACTION_GROUPS).map((g) => `group/${g}`).join(', ')}; or name the modules`);
        out[name] = args;
        continue;
      }
      const def = findModule(name);
      if (!def) fail(`module_defaults names '${name}', which is not a module Drover has`, level, name, `known modules: ${moduleNames().join(', ')}`);
      if (isMapping(args) && !OPEN_ARG_MODULES.has(def.name)) {
        const bad = unknownArgs(def, Object.keys(args));
        if (bad.length) fail(`unsupported parameter${bad.length > 1 ? 's' : ''} in module_defaults for ${def.name}: ${bad.join(', ')}`, level, name);
      }
      out[def.name] = args;
    }
    return out;
  });
}

/** A role's meta/main.yml: its dependencies and allow_duplicates; what Drover cannot honour is refused. */
function roleMeta(path: string): { raw: Raw; dependencies: unknown[]; allowDuplicates: boolean } {
  const f = yamlIn(join(path, 'meta'), 'main');
  const raw = f ? readYamlFile(f) : null;
  if (raw === null || raw === undefined) return { raw: {}, dependencies: [], allowDuplicates: false };
  if (!isMapping(raw)) return fail('meta/main.yml of a role must be a mapping', raw);
  for (const key of Object.keys(raw)) {
    if (key === 'argument_specs' || key === 'collections') fail(`'${key}' in a role's meta/main.yml is not supported by Drover`, raw, key);
    if (!['dependencies', 'allow_duplicates', 'galaxy_info'].includes(key)) fail(`'${key}' is not a valid attribute for a role's meta/main.yml`, raw, key);
  }
  return { raw, dependencies: asList(raw.dependencies, raw, 'dependencies'), allowDuplicates: asBool(raw.allow_duplicates, raw, 'allow_duplicates') ?? false };
}

function yamlIn(dir: string, base: string): string | undefined {
  for (const ext of ['.yml', '.yaml', '']) {
    const f = join(dir, base + ext);
    if (existsSync(f) && statSync(f).isFile()) return f;
  }
  return undefined;
}

function resolveTaskPath(scope: LoadScope, file: string): string {
  if (isAbsolute(file)) return file;
  // a role's task files are looked up in its tasks/ dir first, then beside the playbook
  const here = resolve(scope.baseDir, file);
  if (existsSync(here)) return here;
  return resolve(scope.playbookDir, file);
}

function paramVars(args: Raw): Raw {
  return isMapping(args.vars) ? (args.vars as Raw) : {};
}

function asList(value: unknown, owner: unknown, key: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`'${key}' must be a list`, owner, key);
  return value as unknown[];
}

function asStringListOrItems(value: unknown, owner: Raw): unknown[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) fail("'vars_files' must be a list", owner, 'vars_files');
  return value as unknown[];
}

function parseSerial(value: unknown, owner: Raw): SerialSpec | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (isTemplate(value)) return value;
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) {
    const ok = typeof v === 'number' ? v > 0 : typeof v === 'string' && /^\s*(\d+(\.\d+)?%|\d+)\s*$/.test(v);
    if (!ok) fail(`serial entries must be a positive number or a percentage, got ${JSON.stringify(v)}`, owner, 'serial');
  }
  return list as SerialSpec;
}

/** Every task in a list of items, blocks flattened (for handlers). */
export function flattenTasks(items: Item[]): Task[] {
  const out: Task[] = [];
  for (const it of items) {
    if (it.kind === 'task') out.push(it);
    else out.push(...flattenTasks(it.block), ...flattenTasks(it.rescue), ...flattenTasks(it.always));
  }
  return out;
}

export type { LoadScope };
