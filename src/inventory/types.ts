// What the rest of Drover sees of an inventory, whatever its source (YAML, INI, a plugin).

export interface InventoryHost {
  name: string;
  /** Vars set on the host itself (inline, host_vars/). */
  vars: Record<string, unknown>;
  /** Groups the host is directly in (not ancestors). */
  groups: Set<string>;
}

export interface InventoryGroup {
  name: string;
  vars: Record<string, unknown>;
  hosts: Set<string>;
  children: Set<string>;
  parents: Set<string>;
}

export interface Inventory {
  /** Hosts in inventory order (the order patterns return them in). */
  readonly hosts: Map<string, InventoryHost>;
  readonly groups: Map<string, InventoryGroup>;
  /** Files the inventory was read from (for error messages). */
  readonly sources: string[];
  /**
   * Merged vars for a host, Ansible's order (lowest first): all group vars, parent groups
   * before children, groups at one depth by name; group_vars/ files; host vars; host_vars/ files.
   */
  hostVars(host: string): Record<string, unknown>;
  /** Every group the host belongs to, directly or through children, without 'all'. Sorted. */
  groupNames(host: string): string[];
  /** groups magic var: group name -> host names (inventory order), including all and ungrouped. */
  groupsMap(): Record<string, string[]>;
  /** Hosts matching an Ansible pattern (a:b, a:&b, a:!b, wildcards, ~regex), narrowed by limit. */
  select(pattern: string, limit?: string): string[];
}

/** A source of hosts other than a file of hosts: `plugin: NAME` at the top of a YAML inventory. */
export interface InventoryPlugin {
  name: string;
  /** Adds hosts/groups to the builder from the plugin's YAML config. */
  populate(config: Record<string, unknown>, file: string, add: InventoryBuilder): Promise<void>;
}

export interface InventoryBuilder {
  addHost(name: string, vars?: Record<string, unknown>, groups?: string[]): void;
  addGroup(name: string, vars?: Record<string, unknown>, parents?: string[]): void;
}
