// Runs a loaded playbook against an inventory: plays, serial batches, linear/free strategy,
// blocks with rescue/always, handlers, include_tasks, meta, and the stats behind PLAY RECAP.
// It emits events; it never prints.
import { InputError } from '../cli/errors.js';
import { EXIT } from '../cli/exit-codes.js';
import type { Inventory } from '../inventory/types.js';
import { censorResult } from '../output/mask.js';
import type { DroverEvent, HostStats, HostStatus } from '../output/events.js';
import type { PlaybookLoader } from '../playbook/load-playbook.js';
import type { Block, Item, Play, Playbook, RoleContext, SerialSpec, Task } from '../playbook/model.js';
import { readYamlFile } from '../playbook/yaml-source.js';
import { findModule } from '../modules/index.js';
import { PromptInterrupted, type Prompter } from '../output/prompter.js';
import { loopSubdir } from '../templating/lookups/loop-terms.js';
import { failedTaskView } from './failed-task.js';
import type { Templar } from '../templating/types.js';
import { ConnectionPool, transportFor } from './connection-pool.js';
import { connectionVars } from './connection-vars.js';
import { gatherFacts } from './facts.js';
import { HostState } from './host-state.js';
import { Limiter } from './limiter.js';
import type { RunContext } from './run-context.js';
import { factsOfCollectors, selectCollectors } from '../modules/facts/gather-subset.js';
import { serialBatches } from './serial.js';
import { startsAt } from './start-at-task.js';
import type { SecretValues } from './secret-values.js';
import { flattenTasks } from '../playbook/load-playbook.js';
import { tagsSelected, type TagFilter } from './tags.js';
import { RunningCommands } from './running-commands.js';
import { taskConnection } from './task-connection.js';
import { loopItems, TaskRunner } from './task-runner.js';
import { VariableManager } from './variables.js';
import { resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import { toBool } from '../modules/args.js';

type Vars = Record<string, unknown>;

export interface RunOptions {
  playbook: Playbook;
  inventory: Inventory;
  templar: Templar;
  loader: PlaybookLoader;
  extraVars: Vars;
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  limit?: string;
  tags: TagFilter;
  startAtTask?: string;
  cliConnection?: string;
  /** Connection and become settings from the command line and config file (lowest precedence). */
  cliDefaults?: Vars;
  /** --step: asked before each task (not meta); false skips the task. */
  step?: (taskName: string) => Promise<boolean>;
  signal: AbortSignal;
  /** The person at the terminal, for pause (absent: nobody can answer). */
  prompter?: Prompter;
  /** Counts commands in flight (the interrupt message names them); one of its own without. */
  running?: RunningCommands;
  emit(event: DroverEvent): void;
  /** Values never to print; the runner adds play, role and task vars, facts and registers named like secrets. */
  secrets?: SecretValues;
}

export interface RunSummary {
  stats: Record<string, HostStats>;
  exitCode: number;
  interrupted: boolean;
  durationMs: number;
  hostsMatched: number;
}

/** Per-block frame: whether a failure here will be rescued, and per-host include vars. */
interface Frame {
  rescuable: boolean;
  extra: Map<string, Vars>;
  handler: boolean;
}

const TOP: Frame = { rescuable: false, extra: new Map(), handler: false };

/** Marks a looped include_role's group key (an absolute task file path never starts with \u0001). */
const ROLE_KEY = '\u0001role:';

/** Executes one playbook run. */
export class PlaybookRunner {
  private readonly states = new Map<string, HostState>();
  private readonly pool = new ConnectionPool();
  private readonly vars: VariableManager;
  private readonly rc: RunContext;
  private readonly tasks: TaskRunner;
  private startFound: boolean;
  private play!: Play;
  private playAborted = false;
  /** any_errors_fatal or max_fail_percentage tripped: Ansible ends the whole run, later plays too. */
  private runAborted = false;
  private limiter!: Limiter;
  private notified = new Map<Task, Set<string>>();
  private batch: HostState[] = [];

  constructor(private readonly o: RunOptions) {
    this.vars = new VariableManager(o.inventory, o.extraVars, o.playbook.dir, o.check, o.diff, o.cliDefaults);
    this.vars.secrets = o.secrets;
    this.startFound = !o.startAtTask;
    const playConnection = (): string | undefined => this.play?.connection;
    this.rc = {
      templar: o.templar,
      vars: this.vars,
      pool: this.pool,
      check: o.check,
      diff: o.diff,
      verbosity: o.verbosity,
      signal: o.signal,
      prompter: o.prompter,
      running: o.running ?? new RunningCommands(),
      playbookDir: o.playbook.dir,
      cliConnection: o.cliConnection,
      get playConnection() {
        return playConnection();
      },
      emit: (e) => o.emit(e),
      emitResult: (task, host, status, result, item) => this.emitResult(task, host, status, result, item),
      shownResult: (task, host, result) => this.shownResult(task, host, result),
      taskName: (task) => this.taskName(task),
    };
    this.tasks = new TaskRunner(this.rc);
  }

  private state(host: string): HostState {
    let s = this.states.get(host);
    if (!s) {
      s = new HostState(host);
      this.states.set(host, s);
    }
    return s;
  }

  /** Task name as shown: templated with play-level vars where possible, role-prefixed. */
  private taskName(task: Task): string {
    let name = task.name ?? task.action;
    if (task.name && this.o.templar.isTemplate(task.name)) {
      try {
        const first = this.batch[0]?.name;
        name = first ? this.o.templar.renderString(task.name, this.vars.forTask(first, task)) : task.name;
      } catch {
        name = task.name;
      }
    }
    return task.role ? `${task.role.name} : ${name}` : name;
  }

  /** A result as an event may carry it: censored under no_log; a secret-named or no_log register's data joins the secrets first. */
  private shownResult(task: Task, host: string, result: Vars): Vars {
    const noLog = this.isNoLog(task, host);
    if (task.register && this.o.secrets) {
      if (noLog) this.o.secrets.add(result);
      else this.o.secrets.addNamed(task.register, result);
    }
    return censorResult(result, noLog) as Vars;
  }

  private emitResult(task: Task, host: string, status: HostStatus, result: Vars, item?: { item: unknown; itemLabel: string }): void {
    const noLog = this.isNoLog(task, host);
    const shown = this.shownResult(task, host, result);
    const delegated = task.ctx.delegateTo ? this.safeRender(task.ctx.delegateTo, host, task) : undefined;
    this.o.emit({
      type: 'host_result',
      task: this.taskName(task),
      action: task.action,
      host,
      delegatedTo: delegated && delegated !== host ? delegated : undefined,
      status,
      ignored: status === 'failed' && this.ignoreErrors(task, host),
      result: shown,
      ...(item ? { item: noLog ? '(censored due to no_log)' : item.item, itemLabel: noLog ? '(censored due to no_log)' : item.itemLabel } : {}),
      verbose: this.o.verbosity > 0,
    });
    // a module's warnings are shown as Ansible shows them ([WARNING]: ...), not only kept in the result
    if (Array.isArray(shown.warnings)) for (const w of shown.warnings) this.o.emit({ type: 'warning', message: String(w) });
  }

  private safeRender(value: string, host: string, task: Task): string | undefined {
    try {
      return String(this.o.templar.render(value, this.vars.forTask(host, task)));
    } catch {
      return value;
    }
  }

  private isNoLog(task: Task, host: string): boolean {
    // a no_log template that cannot be rendered hides the result: never print what may be secret
    return this.flag(task.ctx.noLog, host, task, true);
  }

  private ignoreErrors(task: Task, host: string): boolean {
    return this.flag(task.ctx.ignoreErrors, host, task, false);
  }

  /** A boolean keyword for one host: a template is rendered with the host's task vars, as Ansible does. */
  private flag(value: boolean | string | undefined, host: string, task: Task, onError: boolean): boolean {
    if (value === undefined) return false;
    if (typeof value === 'boolean') return value;
    try {
      return toBool(this.o.templar.render(value, this.vars.forTask(host, task)));
    } catch {
      return onError;
    }
  }

  /** Run every play; returns stats and the exit code. */
  async run(): Promise<RunSummary> {
    const t0 = Date.now();
    let matched = 0;
    try {
      for (const play of this.o.playbook.plays) {
        if (this.o.signal.aborted || this.runAborted) break;
        matched += await this.runPlay(play);
      }
    } finally {
      await this.pool.closeAll();
    }
    const stats: Record<string, HostStats> = {};
    for (const [name, s] of [...this.states.entries()].sort(([a], [b]) => a.localeCompare(b))) stats[name] = s.stats;
    const interrupted = this.o.signal.aborted;
    const failed = Object.values(stats).some((s) => s.failed > 0);
    const unreachable = Object.values(stats).some((s) => s.unreachable > 0);
    let exitCode: number = failed ? EXIT.HOST_FAILED : unreachable ? EXIT.HOST_UNREACHABLE : EXIT.OK;
    if (interrupted) exitCode = EXIT.INTERRUPTED;
    else if (matched === 0 && this.o.playbook.plays.length > 0) exitCode = EXIT.NO_HOSTS;
    const durationMs = Date.now() - t0;
    const interruptedHosts = [...this.states.values()].filter((h) => h.interrupted).map((h) => h.name).sort();
    this.o.emit({ type: 'playbook_end', stats, durationMs, interrupted, interruptedHosts, exitCode });
    return { stats, exitCode, interrupted, durationMs, hostsMatched: matched };
  }

  /** The play's name as shown: templated with play vars and extra vars, as Ansible's banner is. */
  private playName(play: Play): string {
    if (!this.o.templar.isTemplate(play.name)) return play.name;
    try {
      return String(this.o.templar.render(play.name, { ...play.vars, ...this.o.extraVars }));
    } catch {
      return play.name;
    }
  }

  private selectHosts(play: Play): string[] {
    // the pattern may be a template of extra vars and play vars (hosts: "{{ target | default('web') }}")
    const pattern = this.o.templar.isTemplate(play.hosts) ? String(this.o.templar.render(play.hosts, { ...play.vars, ...this.o.extraVars })) : play.hosts;
    const hosts = orderHosts(this.o.inventory.select(pattern, this.o.limit), play.order);
    // hosts that failed or were unreachable in an earlier play sit out the rest of the run
    return hosts.filter((h) => !this.states.get(h)?.failed && !this.states.get(h)?.unreachable);
  }

  private loadPlayVars(play: Play, anyHost: string | undefined): Vars {
    const vars: Vars = { ...play.vars };
    for (const vf of play.varsFiles) {
      const base = { ...this.o.extraVars, ...vars, playbook_dir: this.o.playbook.dir, ...(anyHost ? { inventory_hostname: anyHost } : {}) };
      const path = String(this.o.templar.render(vf.path, base));
      const data = readYamlFile(resolve(play.baseDir, path), vf.loc);
      if (data === null) continue;
      if (typeof data !== 'object' || Array.isArray(data)) throw new InputError(`vars file ${path} must contain a mapping`, vf.loc);
      Object.assign(vars, data);
    }
    return vars;
  }

  private async runPlay(play: Play): Promise<number> {
    this.play = play;
    this.playAborted = false;
    this.notified = new Map();
    const hosts = this.selectHosts(play);
    this.o.emit({ type: 'play_start', name: this.playName(play), hosts });
    if (hosts.length === 0) {
      this.o.emit({ type: 'no_hosts', play: play.name });
      this.o.emit({ type: 'play_end', name: play.name });
      return 0;
    }
    this.vars.play = play;
    this.vars.playHosts = hosts;
    this.vars.playVars = this.loadPlayVars(play, hosts[0]);
    this.vars.playRoleDefaults = {};
    this.vars.playRoleVars = {};
    for (const role of playRoles(play)) {
      Object.assign(this.vars.playRoleDefaults, role.defaults);
      Object.assign(this.vars.playRoleVars, role.vars);
    }
    if (this.o.secrets) {
      for (const v of [this.vars.playVars, this.vars.playRoleDefaults, this.vars.playRoleVars]) this.o.secrets.addVars(v);
      for (const t of flattenTasks(play.sections.flat())) this.o.secrets.addVars({ ...t.ctx.vars, ...(t.role?.params ?? {}) });
    }
    this.limiter = new Limiter(Math.max(1, this.o.forks));
    // serial and gather_facts may be templates of play vars and extra vars (Ansible templates them when the play starts)
    const playLevel = { ...this.vars.playVars, ...this.o.extraVars };
    const serial = typeof play.serial === 'string' ? renderSerial(this.o.templar.render(play.serial, playLevel), play) : play.serial;
    const gather = typeof play.gatherFacts === 'string' ? toBool(this.o.templar.render(play.gatherFacts, playLevel)) : play.gatherFacts;
    for (const batchNames of serialBatches(hosts, serial)) {
      if (this.playAborted || this.o.signal.aborted) break;
      const batch = batchNames.map((h) => this.state(h));
      for (const s of batch) s.ended = false;
      this.batch = batch;
      this.vars.batchHosts = batchNames;
      if (gather) await this.gather(batch);
      for (const section of play.sections) {
        if (this.playAborted || this.o.signal.aborted) break;
        if (play.strategy === 'free') {
          await Promise.all(batch.filter((h) => h.active).map((h) => this.runItems(section, [h], TOP)));
        } else {
          await this.runItems(section, batch, TOP);
        }
        await this.flushHandlers(batch);
      }
      // a batch in which every host failed stops the rolling update (Ansible's rule)
      if (batch.every((h) => h.failed || h.unreachable)) break;
    }
    this.o.emit({ type: 'play_end', name: play.name });
    return hosts.length;
  }

  private async gather(batch: HostState[]): Promise<void> {
    const hosts = batch.filter((h) => h.active);
    if (!hosts.length) return;
    this.o.emit({ type: 'task_start', name: 'Gathering Facts', action: 'gather_facts', handler: false, hosts: hosts.map((h) => h.name) });
    const fakeTask = { name: 'Gathering Facts', action: 'gather_facts', ctx: { ...this.play.ctx }, notify: [], listen: [], role: undefined } as unknown as Task;
    await Promise.all(
      hosts.map((h) =>
        this.limiter.run(async () => {
          let result: Vars;
          try {
            const all = this.vars.forTask(h.name, undefined);
            const vars = connectionVars(all, this.play.ctx, (t) => this.o.templar.render(t, all));
            const conn = await this.pool.get(h.name, transportFor(vars, this.play.connection, this.o.cliConnection, (t) => this.o.templar.render(t, vars)), vars);
            await conn.connect();
            const { rc, facts, stderr } = await gatherFacts(taskConnection(conn, this.o.signal, this.rc.running));
            if (rc !== 0) result = { failed: true, changed: false, msg: `fact gathering failed (rc=${rc}): ${stderr.trim()}` };
            else {
              // the play's gather_subset narrows what is kept, as setup's does
              const kept = this.play.gatherSubset ? factsOfCollectors(facts, selectCollectors(this.play.gatherSubset)) : facts;
              this.vars.setFacts(h.name, kept, true);
              result = { changed: false, ansible_facts: kept };
            }
          } catch (err) {
            const e = err as Error;
            result = e.name === 'UnreachableError' ? { unreachable: true, changed: false, msg: e.message } : { failed: true, changed: false, msg: e.message };
          }
          // cut off by Ctrl-C: not a failure of the host
          if (result.failed && this.o.signal.aborted) result.interrupted = true;
          this.record(fakeTask, h, result.unreachable ? 'unreachable' : result.interrupted ? 'interrupted' : result.failed ? 'failed' : 'ok', result, TOP);
        }),
      ),
    );
  }

  private async runItems(items: Item[], hosts: HostState[], frame: Frame): Promise<void> {
    for (const item of items) {
      if (this.playAborted || this.o.signal.aborted) return;
      const active = hosts.filter((h) => h.active);
      if (!active.length) return;
      if (item.kind === 'block') await this.runBlock(item, active, frame);
      else await this.runTask(item, active, frame);
    }
  }

  private async runBlock(block: Block, hosts: HostState[], frame: Frame): Promise<void> {
    const hasRescue = block.rescue.length > 0;
    await this.runItems(block.block, hosts, { ...frame, rescuable: frame.rescuable || hasRescue });
    const failedHere = hosts.filter((h) => h.failed && !h.unreachable);
    if (hasRescue && failedHere.length) {
      for (const h of failedHere) h.failed = false;
      await this.runItems(block.rescue, failedHere, frame);
    }
    if (block.always.length) {
      const alwaysHosts = hosts.filter((h) => !h.unreachable && !h.ended);
      const stillFailed = alwaysHosts.filter((h) => h.failed);
      for (const h of stillFailed) h.failed = false;
      await this.runItems(block.always, alwaysHosts, frame);
      for (const h of stillFailed) h.failed = true;
    }
  }

  private selected(task: Task): boolean {
    if (!tagsSelected(task.ctx.tags, this.o.tags)) return false;
    if (!this.startFound) {
      if (startsAt(task, this.o.startAtTask!)) this.startFound = true;
      else return false;
    }
    return true;
  }

  private async runTask(task: Task, hosts: HostState[], frame: Frame): Promise<void> {
    if (!frame.handler && !this.selected(task)) return;
    if (task.action === 'meta') return this.runMeta(task, hosts, frame);
    if (this.o.step && !(await this.o.step(this.taskName(task)).catch((err) => (err instanceof PromptInterrupted ? false : Promise.reject(err))))) return;
    if (task.action === 'include_tasks' || task.action === 'include' || task.action === 'include_role') return this.runInclude(task, hosts, frame);
    let targets = hosts;
    // pause runs once for the batch (Ansible's BYPASS_HOST_LOOP), sharing its result as run_once does
    const once = (hosts[0] !== undefined && this.flag(task.ctx.runOnce, hosts[0].name, task, false)) || Boolean(findModule(task.action)?.bypassHostLoop);
    if (once) targets = hosts.slice(0, 1);
    this.o.emit({ type: 'task_start', name: this.taskName(task), action: task.action, handler: frame.handler, hosts: targets.map((h) => h.name) });
    const throttle = task.ctx.throttle && task.ctx.throttle > 0 ? new Limiter(task.ctx.throttle) : undefined;
    const before = new Set(hosts.filter((h) => h.failed).map((h) => h.name));
    await Promise.all(
      targets.map((h) =>
        this.limiter.run(async () => {
          const go = async () => {
            const outcome = await this.tasks.run(task, h.name, frame.extra.get(h.name));
            if (once && task.register) {
              // run_once shares its registered result with every host of the batch
              for (const other of hosts) if (other !== h) this.vars.setFacts(other.name, { [task.register]: outcome.result }, false);
            }
            this.record(task, h, outcome.status, outcome.result, frame);
            // a failed run_once task (an unanswered pause gate) stops every host of the batch, as in Ansible
            if (once && outcome.status === 'failed' && !this.ignoreErrors(task, h.name)) for (const other of hosts) other.failed = true;
          };
          return throttle ? throttle.run(go) : go();
        }),
      ),
    );
    this.afterTask(task, hosts, before);
  }

  /** any_errors_fatal and max_fail_percentage are checked after each task. */
  private afterTask(task: Task, hosts: HostState[], failedBefore: Set<string>): void {
    const newlyFailed = hosts.filter((h) => (h.failed || h.unreachable) && !failedBefore.has(h.name));
    if (newlyFailed.length && this.flag(task.ctx.anyErrorsFatal ?? this.play.anyErrorsFatal, newlyFailed[0]!.name, task, false)) {
      this.playAborted = true;
      this.runAborted = true;
      for (const h of this.batch) h.ended = true;
    }
    if (this.play.maxFailPercentage !== undefined && this.batch.length) {
      const failed = this.batch.filter((h) => h.failed || h.unreachable).length;
      if ((failed / this.batch.length) * 100 > this.play.maxFailPercentage) {
        this.playAborted = true;
        this.runAborted = true;
        for (const h of this.batch) h.ended = true;
      }
    }
  }

  /** Count the result, update host state and handler notifications, emit it. */
  private record(task: Task, h: HostState, status: HostStatus, result: Vars, frame: Frame): void {
    const s = h.stats;
    const ignored = status === 'failed' && this.ignoreErrors(task, h.name);
    switch (status) {
      case 'ok':
        s.ok++;
        break;
      case 'changed':
        s.ok++;
        s.changed++;
        break;
      case 'skipped':
        s.skipped++;
        break;
      case 'interrupted':
        s.interrupted = (s.interrupted ?? 0) + 1;
        h.interrupted = true;
        break;
      case 'unreachable':
        if (this.flag(task.ctx.ignoreUnreachable, h.name, task, false)) {
          s.ignored++;
        } else {
          s.unreachable++;
          h.unreachable = true;
        }
        break;
      case 'failed':
        if (ignored) {
          s.ok++;
          s.ignored++;
          if (result.changed) s.changed++;
        } else {
          if (frame.rescuable) {
            s.rescued++;
            // Ansible's nonpersistent facts for rescue (and later) tasks: what failed and how
            this.vars.setFacts(h.name, { ansible_failed_task: failedTaskView(task), ansible_failed_result: result }, false);
          } else s.failed++;
          h.failed = true;
        }
        break;
    }
    this.emitResult(task, h.name, status, result);
    if ((status === 'changed' || (ignored && result.changed)) && task.notify.length) this.notify(task, h.name);
  }

  private notify(task: Task, host: string): void {
    for (const name of task.notify) {
      let found = false;
      for (const handler of this.play.handlers) {
        const full = handler.role ? `${handler.role.name} : ${handler.name}` : handler.name;
        if (handler.name === name || full === name || handler.listen.includes(name)) {
          found = true;
          let set = this.notified.get(handler);
          if (!set) this.notified.set(handler, (set = new Set()));
          set.add(host);
        }
      }
      if (!found) this.o.emit({ type: 'warning', message: `The requested handler '${name}' was not found in any of the known handlers` });
    }
  }

  private async flushHandlers(hosts: HostState[]): Promise<void> {
    for (let pass = 0; pass < 10 && this.notified.size; pass++) {
      for (const handler of this.play.handlers) {
        const set = this.notified.get(handler);
        if (!set) continue;
        this.notified.delete(handler);
        const targets = hosts.filter((h) => set.has(h.name) && (h.active || (this.play.forceHandlers && !h.unreachable)));
        if (!targets.length) continue;
        await this.runTask(handler, targets, { ...TOP, handler: true });
      }
    }
  }

  private async runMeta(task: Task, hosts: HostState[], frame: Frame): Promise<void> {
    const what = String(task.args._raw_params ?? task.args.action ?? '').trim();
    const holds = (h: HostState): boolean => {
      try {
        const vars = this.vars.forTask(h.name, task, frame.extra.get(h.name));
        return task.ctx.when.every((c) => this.o.templar.isTrue(c, vars));
      } catch {
        return false;
      }
    };
    switch (what) {
      case 'flush_handlers':
        return this.flushHandlers(this.batch);
      case 'end_play':
        if (hosts.some(holds)) {
          this.playAborted = true;
          for (const h of this.batch) h.ended = true;
        }
        return;
      case 'end_batch':
        if (hosts.some(holds)) for (const h of this.batch) h.ended = true;
        return;
      case 'end_host':
        for (const h of hosts) if (holds(h)) h.ended = true;
        return;
      case 'clear_host_errors':
        for (const h of this.batch) h.failed = false;
        return;
      case 'reset_connection':
        for (const h of hosts) await this.pool.reset(h.name);
        return;
      case 'noop':
      case 'refresh_inventory':
      case 'clear_facts':
        if (what === 'clear_facts') for (const h of hosts) this.vars.facts.delete(h.name);
        return;
      default:
        throw new InputError(`invalid meta action '${what}'`, task.loc);
    }
  }

  /** include_tasks: file chosen per host at run time; hosts that chose the same file run it together. */
  private async runInclude(task: Task, hosts: HostState[], frame: Frame): Promise<void> {
    const groups = new Map<string, { hosts: HostState[]; extra: Map<string, Vars> }[]>();
    this.o.emit({ type: 'task_start', name: this.taskName(task), action: task.action, handler: frame.handler, hosts: hosts.map((h) => h.name) });
    for (const h of hosts) {
      const base = this.vars.forTask(h.name, task, frame.extra.get(h.name));
      try {
        const lookup = () => ({ vars: base, templar: this.o.templar, subdir: loopSubdir(task.action) });
        const items = task.loop !== undefined ? loopItems(task, this.o.templar.render(task.loop, base), lookup) : undefined;
        const runs = items ? items.map((it, i) => ({ vars: { ...base, [task.loopControl.loopVar]: it }, extra: { [task.loopControl.loopVar]: it, ...(task.loopControl.indexVar ? { [task.loopControl.indexVar]: i } : {}) } })) : [{ vars: base, extra: {} as Vars }];
        let ran = 0;
        runs.forEach((run, idx) => {
          const cond = task.ctx.when.find((c) => !this.o.templar.isTrue(c, run.vars));
          if (cond !== undefined) return;
          ran++;
          const args = this.o.templar.render(task.args, run.vars) as Vars;
          // a looped include_role is grouped by role and entry point, an include_tasks by file
          const key = task.action === 'include_role' ? `${ROLE_KEY}${String(args.name)}\0${String(args.tasks_from ?? 'main')}\0${idx}` : `${this.tasks.findFile(task, 'tasks', String(args.file ?? args._raw_params ?? ''))}\0${idx}`;
          let list = groups.get(key);
          if (!list) groups.set(key, (list = [{ hosts: [], extra: new Map() }]));
          list[0]!.hosts.push(h);
          list[0]!.extra.set(h.name, { ...(frame.extra.get(h.name) ?? {}), ...run.extra });
        });
        // an include whose condition is false for a host is a skipped task for that host
        if (ran === 0) this.record(task, h, 'skipped', { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, frame);
      } catch (err) {
        this.record(task, h, 'failed', { failed: true, changed: false, msg: (err as Error).message }, frame);
      }
    }
    for (const [key, [group]] of groups) {
      const [path, tasksFrom] = key.split('\0') as [string, string];
      const role = path.startsWith(ROLE_KEY) ? path.slice(ROLE_KEY.length) : undefined;
      let items: Item[];
      try {
        // the include's own when and tags are the include's; only what it inherited passes on (Ansible)
        const parent = { ...task.ctx, when: task.ctx.when.slice(0, task.parentWhenCount), tags: task.parentTags };
        const scope = { baseDir: task.baseDir, role: task.role, seenRoles: new Set<string>(), playbookDir: this.o.playbook.dir, stack: [] };
        items = role !== undefined ? this.o.loader.loadIncludedRole(role, tasksFrom, parent, scope, task.loc) : this.o.loader.loadTaskFile(path, parent, scope, task.loc);
      } catch (err) {
        for (const h of group!.hosts) this.record(task, h, 'failed', { failed: true, changed: false, msg: err instanceof InputError ? err.format() : (err as Error).message }, frame);
        continue;
      }
      if (role === undefined) {
        this.o.emit({ type: 'included', file: path, hosts: group!.hosts.map((h) => h.name) });
        for (const h of group!.hosts) h.stats.ok++;
      }
      await this.runItems(items, group!.hosts, { ...frame, extra: group!.extra });
    }
  }
}

/** A play's hosts in its `order:` (inventory order is the inventory's own). */
function orderHosts(hosts: string[], order: Play['order']): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle': {
      const out = [...hosts];
      for (let i = out.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
    default:
      return hosts;
  }
}

/** A templated serial, rendered: checked as the loader checks a literal one. */
function renderSerial(value: unknown, play: Play): SerialSpec {
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) {
    const ok = typeof v === 'number' ? v > 0 : typeof v === 'string' && /^\s*(\d+(\.\d+)?%|\d+)\s*$/.test(v);
    if (!ok) throw new InputError(`serial entries must be a positive number or a percentage, got ${JSON.stringify(v)}`, { ...play.loc, field: 'serial' });
  }
  return list as SerialSpec;
}

/** The roles a play uses, in order of first use. */
function playRoles(play: Play): RoleContext[] {
  const roles = flattenTasks([...play.sections.flat(), ...play.handlers]).map((t) => t.role);
  return [...new Set(roles.filter((r): r is RoleContext => r !== undefined))];
}

/** Every notify name in a play must name a handler or a listen topic (checked before running). */
export function checkHandlers(playbook: Playbook): void {
  for (const play of playbook.plays) {
    const names = new Set<string>();
    for (const h of play.handlers) {
      if (h.name) names.add(h.name);
      if (h.name && h.role) names.add(`${h.role.name} : ${h.name}`);
      for (const l of h.listen) names.add(l);
    }
    for (const t of flattenTasks([...play.sections.flat(), ...play.handlers])) {
      for (const n of t.notify) {
        if (!names.has(n) && !n.includes('{{')) throw new InputError(`the task notifies handler '${n}', which no handler in play '${play.name}' has as name or listen`, { ...t.loc, field: 'notify' });
      }
    }
  }
}
