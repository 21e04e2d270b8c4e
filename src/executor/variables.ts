// Variable precedence, lowest first (documented in the README):
//   command-line/config connection settings (-u, -b, drover.yml) < role defaults < inventory (group, then host; group_vars/host_vars) < gathered facts
//   < play vars < play vars_files < role vars < block/task vars < include params
//   < set_fact / register / include_vars < role params < extra vars,
// then the magic vars (inventory_hostname, groups, hostvars, ...) which cannot be overridden.
import type { Inventory } from '../inventory/types.js';
import type { Play, Task } from '../playbook/model.js';
import type { SecretValues } from './secret-values.js';
import { rawMapping } from '../templating/raw-mapping.js';

type Vars = Record<string, unknown>;

/** Holds everything that varies per host during a run and builds a task's variables. */
export class VariableManager {
  /** Gathered facts per host (ansible_facts without the prefix). */
  readonly facts = new Map<string, Vars>();
  /** set_fact, register and include_vars per host. */
  readonly hostFacts = new Map<string, Vars>();
  /** Play-level vars for the running play (vars + vars_files, already loaded). */
  playVars: Vars = {};
  play?: Play;
  playHosts: string[] = [];
  /** Defaults and vars of every role in the play: Ansible shows them to the whole play. */
  playRoleDefaults: Vars = {};
  playRoleVars: Vars = {};
  batchHosts: string[] = [];
  /** Where secret-named values set during the run (set_fact, register, include_vars) are recorded. */
  secrets?: SecretValues;
  private readonly inventoryVarsCache = new Map<string, Vars>();

  constructor(
    readonly inventory: Inventory,
    readonly extraVars: Vars,
    readonly playbookDir: string,
    readonly checkMode: boolean,
    readonly diffMode: boolean,
    /** Command-line and config-file connection settings (-u, -b, ...): below every other variable. */
    readonly cliDefaults: Vars = {},
  ) {}

  /** Inventory vars for a host (cached: inventory does not change during a run). */
  inventoryVars(host: string): Vars {
    let v = this.inventoryVarsCache.get(host);
    if (!v) {
      v = this.inventory.hostVars(host);
      this.inventoryVarsCache.set(host, v);
    }
    return v;
  }

  /** Record facts a module returned (set_fact goes to hostFacts, gathered facts to facts). */
  setFacts(host: string, facts: Vars, gathered: boolean): void {
    const map = gathered ? this.facts : this.hostFacts;
    // before any event can carry them: the result of the task that set them is emitted after
    this.secrets?.addVars(facts);
    map.set(host, { ...(map.get(host) ?? {}), ...facts });
  }

  /** What hostvars[host] shows: everything but task-scoped vars. */
  hostView(host: string): Vars {
    // Ansible's hostvars[host] has no `vars` (get_vars adds it only for a task or play)
    const { vars: _vars, ...view } = this.build(host, undefined, {});
    return view;
  }

  /** The full variable set for a task on a host. */
  forTask(host: string, task: Task | undefined, extra: Vars = {}): Vars {
    return this.build(host, task, extra);
  }

  private build(host: string, task: Task | undefined, extra: Vars): Vars {
    const facts = this.facts.get(host) ?? {};
    const prefixed: Vars = {};
    for (const [k, v] of Object.entries(facts)) prefixed[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
    const role = task?.role;
    const vars: Vars = Object.assign(
      {},
      this.cliDefaults,
      this.playRoleDefaults,
      role?.defaults,
      this.inventoryVars(host),
      prefixed,
      this.playVars,
      this.playRoleVars,
      role?.vars,
      task?.ctx.vars,
      this.hostFacts.get(host),
      role?.params,
      extra,
      this.extraVars,
    );
    vars.ansible_facts = facts;
    vars.inventory_hostname = host;
    vars.inventory_hostname_short = host.split('.')[0];
    vars.group_names = this.inventory.hosts.has(host) ? this.inventory.groupNames(host) : [];
    vars.groups = this.groupsCached ??= this.inventory.groupsMap();
    vars.hostvars = this.hostvarsProxy;
    vars.play_hosts = this.batchHosts;
    vars.ansible_play_batch = this.batchHosts;
    vars.ansible_play_hosts = this.playHosts;
    vars.ansible_play_hosts_all = this.playHosts;
    vars.ansible_play_name = this.play?.name;
    // Ansible's names of the roles the play lists (role_names is its older name)
    vars.ansible_play_role_names = vars.role_names = this.play?.roleNames ?? [];
    vars.playbook_dir = this.playbookDir;
    vars.ansible_check_mode = this.checkMode;
    vars.ansible_diff_mode = this.diffMode;
    if (role) {
      vars.role_name = role.name;
      vars.role_path = role.path;
    }
    // Ansible's magic `vars`: every variable by name (a copy, as VariableManager's), read untemplated
    vars.vars = rawMapping({ ...vars });
    return vars;
  }

  private groupsCached?: Record<string, string[]>;

  /** hostvars is lazy: building every host's vars for every task would be quadratic. */
  private readonly hostvarsProxy: Vars = new Proxy({} as Vars, {
    get: (_t, key) => (typeof key === 'string' && (this.inventory.hosts.has(key) || this.facts.has(key)) ? this.hostView(key) : undefined),
    has: (_t, key) => typeof key === 'string' && this.inventory.hosts.has(key),
    ownKeys: () => [...this.inventory.hosts.keys()],
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && this.inventory.hosts.has(key) ? { enumerable: true, configurable: true, value: this.hostView(key) } : undefined,
  });
}
