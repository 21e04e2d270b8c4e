// Runs one task on one host: conditions, loop, until/retries, the module call, then
// changed_when/failed_when and register. Non-zero exit codes are data; only transport
// failure makes a host unreachable. Returns Ansible's result shape.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TemplateError } from '../cli/errors.js';
import { CLI_VAR } from '../connections/cli-defaults.js';
import { UnreachableError, type BecomeOptions, type Connection } from '../connections/types.js';
import { ArgError, normalizeArgs, secretArgs, toBool } from '../modules/args.js';
import { OPEN_ARG_MODULES } from '../modules/builtin-commands.js';
import { findModule } from '../modules/index.js';
import type { ModuleContext, ModuleResult } from '../modules/types.js';
import type { HostStatus } from '../output/events.js';
import type { Task } from '../playbook/model.js';
import { readYamlFile } from '../playbook/yaml-source.js';
import { loopSubdir, renderLoopValue, withLoopItems } from '../templating/lookups/loop-terms.js';
import type { LookupContext } from '../templating/lookups/types.js';
import { OMIT } from '../templating/templar.js';
import type { RunContext } from './run-context.js';
import { defaultsFor } from './module-defaults.js';
import { transportFor } from './connection-pool.js';
import { connectionVars } from './connection-vars.js';
import { taskConnection } from './task-connection.js';

type Vars = Record<string, unknown>;

/** Results of attempts that ran out of their `timeout` (they end the task as they are). */
const TIMED_OUT = new WeakSet<Vars>();
// after a timeout, how long the stopped commands get to be gone before the task's result is given
const TIMEOUT_SETTLE_MS = 10_000;

export interface TaskOutcome {
  status: HostStatus;
  result: Vars;
}

/** Ansible's task error text: the message and where the task is. */
function located(task: Task, message: string): string {
  const loc = task.loc;
  return loc.file ? `${message}. The error appears to be in '${loc.file}': line ${loc.line ?? '?'}, column ${loc.col ?? '?'}` : message;
}

function statusOf(r: Vars): HostStatus {
  if (r.unreachable) return 'unreachable';
  if (r.interrupted) return 'interrupted';
  if (r.failed) return 'failed';
  if (r.skipped) return 'skipped';
  return r.changed ? 'changed' : 'ok';
}

/** Drop args whose value is the `omit` placeholder, at any depth of a mapping. */
function dropOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== OMIT).map(dropOmitted);
  if (value && typeof value === 'object') {
    const out: Vars = {};
    for (const [k, v] of Object.entries(value)) if (v !== OMIT) out[k] = dropOmitted(v);
    return out;
  }
  return value;
}

/** Turns a `loop:` value, or a `with_<lookup>:` value through that lookup, into the list of items. */
export function loopItems(task: Task, value: unknown, lookup: () => LookupContext): unknown[] {
  if (task.loopKind && task.loopKind !== 'loop') return withLoopItems(task.loopKind.slice('with_'.length), value, lookup());
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') {
    throw new TemplateError(`Invalid data passed to 'loop', it requires a list, got this instead: ${value}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`);
  }
  if (!Array.isArray(value)) throw new TemplateError(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(value)}`);
  return value;
}

/** Runs tasks for hosts; one per run, shared by every play. */
export class TaskRunner {
  constructor(private readonly rc: RunContext) {}

  /** Resolve become for a task from keywords, then ansible_become* vars. */
  private become(task: Task, vars: Vars): BecomeOptions | undefined {
    const t = this.rc.templar;
    // -b/--become-user/--become-method/-K and the config file come last (Ansible: CLI < keyword < var)
    const raw = task.ctx.become ?? vars.ansible_become ?? vars[CLI_VAR.become];
    const on = raw !== undefined ? toBool(t.render(raw, vars)) : false;
    if (!on) return undefined;
    // the become_method/become_user keywords are templated, as Ansible templates them
    const method = String(t.render(task.ctx.becomeMethod ?? vars.ansible_become_method ?? vars[CLI_VAR.becomeMethod] ?? 'sudo', vars));
    if (method !== 'sudo' && method !== 'su') throw new ArgError(`become method '${method}' is not supported (sudo, su)`, 'become_method');
    const user = String(t.render(task.ctx.becomeUser ?? vars.ansible_become_user ?? vars[CLI_VAR.becomeUser] ?? 'root', vars));
    const pw = vars.ansible_become_pass ?? vars.ansible_become_password ?? vars[CLI_VAR.becomePassword];
    const flagsRaw = vars.ansible_become_flags ?? task.ctx.becomeFlags;
    const flags = flagsRaw !== undefined ? String(t.render(flagsRaw, vars)) : undefined;
    return { method, user, password: pw !== undefined && pw !== null ? String(t.render(pw, vars)) : undefined, flags };
  }

  private environment(task: Task, vars: Vars): Record<string, string> {
    const env: Record<string, string> = {};
    for (const layer of task.ctx.environment) {
      const rendered = this.rc.templar.render(layer, vars);
      if (rendered && typeof rendered === 'object') for (const [k, v] of Object.entries(rendered)) env[k] = String(v);
    }
    // PGPASSWORD, VAULT_TOKEN...: a secret-named environment variable's value is a secret too
    this.rc.vars.secrets?.addVars(env);
    return env;
  }

  /** Where controller-side files for this task live (role files/templates, then task and playbook dirs). */
  findFile(task: Task, kind: 'files' | 'templates' | 'vars' | 'tasks', path: string): string {
    if (isAbsolute(path)) return path;
    const dirs: string[] = [];
    if (task.role) dirs.push(join(task.role.path, kind), task.role.path);
    dirs.push(join(task.baseDir, kind), task.baseDir, join(this.rc.playbookDir, kind), this.rc.playbookDir);
    for (const d of dirs) {
      const p = resolve(d, path);
      if (existsSync(p)) return p;
    }
    return resolve(dirs[0]!, path);
  }

  /** Run the task on a host, emitting per-item results; returns the final result. */
  async run(task: Task, host: string, extra: Vars = {}): Promise<TaskOutcome> {
    const { templar } = this.rc;
    const vars = this.rc.vars.forTask(host, task, extra);
    let result: Vars;
    try {
      if (task.loop === undefined) {
        const cond = this.firstFalse(task.ctx.when, vars);
        result = cond !== undefined ? { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: cond } : await this.runWithRetries(task, host, vars);
      } else {
        result = await this.runLoop(task, host, vars, renderLoopValue(task.loopKind, task.loop, templar, vars));
      }
    } catch (err) {
      result = this.errorResult(task, err, host);
    }
    result = this.interrupted(result);
    if (task.register && !result.unreachable) this.rc.vars.setFacts(host, { [task.register]: result }, false);
    return { status: statusOf(result), result };
  }

  private errorResult(task: Task, err: unknown, host: string): Vars {
    if (err instanceof UnreachableError) return { unreachable: true, changed: false, msg: err.message };
    if (err instanceof TemplateError) return { failed: true, changed: false, msg: located(task, `The task includes an option with an undefined variable. ${err.message}`) };
    if (err instanceof ArgError) return { failed: true, changed: false, msg: err.message, invocation_field: err.field };
    const e = err as Error;
    return { failed: true, changed: false, msg: `${e.message || String(e)}`, exception: host ? e.stack?.split('\n').slice(0, 3).join('\n') : undefined };
  }

  /** The first condition that does not hold, or undefined when all hold. */
  private firstFalse(conditions: unknown[], vars: Vars): unknown {
    for (const c of conditions) if (!this.rc.templar.isTrue(c, vars)) return c;
    return undefined;
  }

  private async runLoop(task: Task, host: string, vars: Vars, loopValue: unknown): Promise<Vars> {
    const items = loopItems(task, loopValue, () => ({ vars, templar: this.rc.templar, subdir: loopSubdir(task.action), onSecret: (v) => this.rc.vars.secrets?.add(v) }));
    if (items.length === 0) return { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] };
    const { loopVar, indexVar, label, pause } = task.loopControl;
    const results: Vars[] = [];
    // facts an item sets (set_fact, include_vars) are seen by the next items, as Ansible's loop
    // updates its task vars after each item: the usual `x: "{{ x | default([]) + [item] }}"` accumulates
    let loopVars = vars;
    for (let i = 0; i < items.length; i++) {
      if (this.rc.signal.aborted) break;
      const item = items[i];
      const ivars: Vars = { ...loopVars, [loopVar]: item, ansible_loop_var: loopVar };
      if (indexVar) ivars[indexVar] = i;
      const ansibleLoop: Vars = { index: i + 1, index0: i, first: i === 0, last: i === items.length - 1, length: items.length, revindex: items.length - i, revindex0: items.length - i - 1, allitems: items };
      // as Ansible's extended loop: previtem only after the first item, nextitem only before the last
      if (i > 0) ansibleLoop.previtem = items[i - 1];
      if (i < items.length - 1) ansibleLoop.nextitem = items[i + 1];
      ivars.ansible_loop = ansibleLoop;
      let r: Vars;
      try {
        const cond = this.firstFalse(task.ctx.when, ivars);
        r = cond !== undefined ? { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: cond } : await this.runWithRetries(task, host, ivars);
      } catch (err) {
        r = this.errorResult(task, err, host);
      }
      r = this.interrupted(r);
      if (r.ansible_facts && !r.failed && !r.skipped) loopVars = { ...loopVars, ...(r.ansible_facts as Vars) };
      r[loopVar] = item;
      r.item = item;
      r.ansible_loop_var = loopVar;
      if (indexVar) r[indexVar] = i;
      results.push(r);
      let itemLabel: string;
      try {
        const l = label !== undefined ? this.rc.templar.render(label, ivars) : item;
        itemLabel = typeof l === 'string' ? l : JSON.stringify(l);
      } catch {
        itemLabel = typeof item === 'string' ? item : JSON.stringify(item);
      }
      this.rc.emitResult(task, host, statusOf(r), r, { item, itemLabel });
      if (r.unreachable) return { unreachable: true, changed: false, msg: r.msg, results };
      if (pause && i < items.length - 1) await sleep(pause * 1000, undefined, { signal: this.rc.signal }).catch(() => undefined);
    }
    const changed = results.some((r) => r.changed);
    const failed = results.some((r) => r.failed);
    const out: Vars = { changed, results, msg: failed ? 'One or more items failed' : 'All items completed' };
    if (failed) out.failed = true;
    if (results.some((r) => r.interrupted)) out.interrupted = true;
    // Ansible's loop result always carries skipped (false unless every item was skipped)
    out.skipped = results.every((r) => r.skipped);
    if (out.skipped) out.msg = 'All items skipped';
    return out;
  }

  private async runWithRetries(task: Task, host: string, vars: Vars): Promise<Vars> {
    const { templar } = this.rc;
    const hasUntil = task.until !== undefined;
    const retries = hasUntil ? (task.retries === undefined ? 3 : task.retries <= 0 ? 1 : task.retries + 1) : 1;
    const delay = task.delay ?? 5;
    let r: Vars = {};
    for (let attempt = 1; attempt <= retries; attempt++) {
      r = this.interrupted(await this.runOnce(task, host, vars));
      // Ansible: a timed-out attempt ends the task as it is, no retries or changed_when/failed_when
      if (r.unreachable || r.interrupted || TIMED_OUT.has(r)) return r;
      // Ansible's executor: a result without `failed` gets one (true only for a non-zero rc), so a
      // registered result always has it (`{{ out.failed }}`)
      if (r.failed === undefined) r.failed = r.rc !== undefined && r.rc !== 0 && r.rc !== '0';
      const bound: Vars = task.register ? { ...vars, [task.register]: r } : vars;
      this.applyChangedFailed(task, r, bound);
      if (!hasUntil) return r;
      r.attempts = attempt;
      if (templar.isTrue(task.until, { ...bound, ...(task.register ? {} : {}) })) return r;
      if (attempt === retries) {
        r.failed = true;
        break;
      }
      this.rc.emit({ type: 'retry', task: this.rc.taskName(task), host, attempt, retries: retries - attempt, result: this.rc.shownResult(task, host, r) });
      await sleep(delay * 1000, undefined, { signal: this.rc.signal }).catch(() => undefined);
      if (this.rc.signal.aborted) break;
    }
    return r;
  }

  private applyChangedFailed(task: Task, r: Vars, bound: Vars): void {
    const { templar } = this.rc;
    if (task.changedWhen !== undefined && !r.skipped) r.changed = templar.isTrue(task.changedWhen, bound);
    if (task.failedWhen !== undefined && !r.skipped) {
      const f = templar.isTrue(task.failedWhen, bound);
      r.failed_when_result = f;
      r.failed = f;
    }
  }

  /** The task's `timeout` keyword in seconds (templated, as Ansible allows); 0 for none. */
  private timeoutOf(task: Task, vars: Vars): number {
    if (task.ctx.timeout === undefined || task.ctx.timeout === null) return 0;
    const raw = this.rc.templar.render(task.ctx.timeout, vars);
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isInteger(n) || n < 0 || String(raw).trim() === '') throw new ArgError(`timeout must be a whole number of seconds, got '${String(raw)}'`, 'timeout');
    return n;
  }

  /**
   * A result cut off by Ctrl-C/SIGTERM is reported as interrupted, not failed: the run is
   * stopping, and the host did nothing wrong.
   */
  private interrupted(r: Vars): Vars {
    if (!this.rc.signal.aborted || !r.failed || r.unreachable) return r;
    const { failed: _f, ...rest } = r;
    return { ...rest, interrupted: true, msg: `interrupted while the task ran${r.msg ? ` (${String(r.msg)})` : ''}` };
  }

  /**
   * One module invocation within the task's `timeout`: when it runs out, the task's commands are
   * stopped on the target (their process groups killed) and the task fails with Ansible's message.
   */
  private async runOnce(task: Task, host: string, vars: Vars): Promise<Vars> {
    const seconds = this.timeoutOf(task, vars);
    if (!seconds) return this.invoke(task, host, vars, this.rc.signal);
    const expired = new AbortController();
    const timer = setTimeout(() => expired.abort(), seconds * 1000);
    const run = this.invoke(task, host, vars, AbortSignal.any([this.rc.signal, expired.signal]));
    const ranOut = new Promise<'timeout'>((resolve) => expired.signal.addEventListener('abort', () => resolve('timeout'), { once: true }));
    try {
      const first = await Promise.race([run, ranOut]);
      if (first !== 'timeout') return first;
    } finally {
      clearTimeout(timer);
    }
    // the result is only given once the stopped commands are gone (or after a bound)
    await Promise.race([run.catch(() => undefined), sleep(TIMEOUT_SETTLE_MS, undefined, { ref: false })]);
    const r: Vars = { failed: true, changed: false, msg: `The ${task.action} action failed to execute in the expected time frame (${seconds}) and was terminated` };
    TIMED_OUT.add(r);
    return r;
  }

  /** One module invocation; its commands stop on `signal`. */
  private async invoke(task: Task, host: string, vars: Vars, signal: AbortSignal): Promise<Vars> {
    const { templar } = this.rc;
    if (task.action === 'include_vars') return this.includeVars(task, host, vars);
    const def = findModule(task.action);
    if (!def) return { failed: true, changed: false, msg: `couldn't resolve module/action '${task.action}'` };
    let rawArgs = task.argsTemplate !== undefined ? templar.render(task.argsTemplate, vars) : templar.render(task.args, vars);
    if (!rawArgs || typeof rawArgs !== 'object' || Array.isArray(rawArgs)) return { failed: true, changed: false, msg: located(task, `arguments of ${task.action} must be a mapping`) };
    // module_defaults sit under the task's own arguments (templated as Ansible does)
    if (task.ctx.moduleDefaults.length) rawArgs = { ...(templar.render(defaultsFor(task.ctx.moduleDefaults, def.name), vars) as Vars), ...(rawArgs as Vars) };
    rawArgs = dropOmitted(rawArgs);
    const args = OPEN_ARG_MODULES.has(def.name) ? (rawArgs as Vars) : normalizeArgs(def, rawArgs as Vars);
    // a no_log argument named like a credential (uri's url_password) is a secret from here on
    this.rc.vars.secrets?.addVars(Object.fromEntries(secretArgs(def).map((n) => [n, args[n]])));
    const check = task.ctx.checkMode !== undefined ? toBool(templar.render(task.ctx.checkMode, vars)) : this.rc.check;
    if (check && !def.supportsCheck) return { changed: false, skipped: true, msg: 'This module does not support check mode' };

    let conn: Connection = unavailableConnection(host);
    if (!def.controllerOnly) {
      const target = task.ctx.delegateTo ? String(templar.render(task.ctx.delegateTo, vars)) : host;
      // a delegated task connects with the target's vars, its task, block and play vars included, as in Ansible
      const targetVars = target === host ? vars : this.rc.vars.forTask(target, task);
      const connVars = connectionVars(targetVars, task.ctx, (t) => templar.render(t, targetVars), (t) => templar.render(t, vars));
      if (target !== host && !this.rc.vars.inventory.hosts.has(target) && (target === 'localhost' || target === '127.0.0.1')) connVars.ansible_connection ??= 'local';
      conn = await this.rc.pool.get(target, transportFor(connVars, task.ctx.connection ?? this.rc.playConnection, this.rc.cliConnection, (t) => templar.render(t, connVars)), connVars);
      await conn.connect();
      conn = taskConnection(conn, signal, this.rc.running);
    }
    const ctx: ModuleContext = {
      host,
      conn,
      args,
      vars,
      check,
      diff: task.ctx.diff !== undefined ? toBool(templar.render(task.ctx.diff, vars)) : this.rc.diff,
      become: this.become(task, vars),
      environment: this.environment(task, vars),
      findFile: (kind, p) => this.findFile(task, kind, p),
      render: (text, extraVars) => templar.renderString(text, extraVars ? { ...vars, ...extraVars } : vars),
      evaluate: (expr) => templar.evaluate(expr, vars),
      signal,
      prompter: this.rc.prompter,
      verbosity: this.rc.verbosity,
    };
    const r: ModuleResult = await def.run(ctx);
    const out: Vars = { ...r, changed: Boolean(r.changed) };
    if (typeof out.stdout === 'string' && out.stdout_lines === undefined) out.stdout_lines = out.stdout === '' ? [] : out.stdout.replace(/\n$/, '').split('\n');
    if (typeof out.stderr === 'string' && out.stderr_lines === undefined) out.stderr_lines = out.stderr === '' ? [] : out.stderr.replace(/\n$/, '').split('\n');
    if (r.ansible_facts && !r.failed) {
      // setup/gather_facts refresh the gathered facts (ansible_facts.x); other modules' facts are set_fact's
      const factHost = this.factHost(task, host, vars);
      if (def.gathersFacts) this.rc.vars.setFacts(factHost, unprefixFacts(r.ansible_facts), true);
      else this.rc.vars.setFacts(factHost, r.ansible_facts, false);
    }
    return out;
  }

  /** include_vars: a YAML file's mapping becomes host facts. */
  private includeVars(task: Task, host: string, vars: Vars): Vars {
    const args = this.rc.templar.render(task.args, vars) as Vars;
    const file = String(args.file ?? args._raw_params ?? '');
    if (!file) return { failed: true, changed: false, msg: 'include_vars needs a file' };
    const path = this.findFile(task, 'vars', file);
    const data = readYamlFile(path, task.loc);
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) return { failed: true, changed: false, msg: `${path} must contain a mapping` };
    const facts = args.name ? { [String(args.name)]: data ?? {} } : ((data ?? {}) as Vars);
    this.rc.vars.setFacts(this.factHost(task, host, vars), facts, false);
    return { changed: false, ansible_facts: facts, ansible_included_var_files: [path] };
  }

  /** Where a task's facts go: the delegated host under delegate_facts, else the host itself (Ansible's rule). */
  private factHost(task: Task, host: string, vars: Vars): string {
    if (!task.ctx.delegateTo || task.ctx.delegateFacts === undefined || !toBool(this.rc.templar.render(task.ctx.delegateFacts, vars))) return host;
    return String(this.rc.templar.render(task.ctx.delegateTo, vars));
  }
}

/** ansible_facts as setup returns them (ansible_hostname) to gathered-fact names (hostname). */
function unprefixFacts(facts: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k.slice('ansible_'.length) : k] = v;
  return out;
}

/** Stand-in for controller-only modules, which must never touch the target. */
function unavailableConnection(host: string): Connection {
  const no = (): never => {
    throw new Error('controller-only module used the connection');
  };
  return { host, transport: 'none', connect: async () => undefined, exec: no, put: no, get: no, close: async () => undefined };
}
