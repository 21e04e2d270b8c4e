// The in-memory inventory: hosts and groups as sources add them, Ansible's variable merge
// order, and host patterns.
import { readFileSync } from 'node:fs';
import { InputError, type Location } from '../cli/errors.js';
import type { Inventory, InventoryBuilder, InventoryGroup, InventoryHost } from './types.js';

const IMPLICIT_LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end > i) {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      } else re += '\\[';
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Hosts, groups, vars; implements the Inventory contract and the builder plugins use. */
export class InventoryData implements Inventory, InventoryBuilder {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  readonly sources: string[] = [];
  /** group_vars/ and host_vars/ file contents, in load order (later wins). */
  readonly groupVarFiles = new Map<string, Record<string, unknown>[]>();
  readonly hostVarFiles = new Map<string, Record<string, unknown>[]>();
  private readonly implicit = new Map<string, InventoryHost>();
  private depthCache?: Map<string, number>;
  private varsCache = new Map<string, Record<string, unknown>>();

  constructor() {
    this.addGroup('all');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string, vars: Record<string, unknown> = {}, parents: string[] = [], where?: Location): void {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, vars: {}, hosts: new Set(), children: new Set(), parents: new Set() };
      this.groups.set(name, g);
    }
    Object.assign(g.vars, vars);
    for (const p of parents) this.addChild(p, name, where);
    this.depthCache = undefined;
    this.varsCache.clear();
  }

  /** Make `child` a child group of `parent`; a cycle in children is an input error naming its groups. */
  addChild(parent: string, child: string, where?: Location): void {
    this.addGroup(parent);
    this.addGroup(child);
    const cycle = this.childPath(child, parent);
    if (cycle) {
      throw new InputError(`group '${child}' cannot be a child of '${parent}': children would form a cycle (${[parent, ...cycle].join(' -> ')})`, { ...where, field: 'children' });
    }
    this.groups.get(parent)!.children.add(child);
    this.groups.get(child)!.parents.add(parent);
    this.depthCache = undefined;
  }

  /** The groups from `from` down its children to `to` (both included), if `to` is reachable. */
  private childPath(from: string, to: string): string[] | undefined {
    const seen = new Set<string>();
    const walk = (g: string): string[] | undefined => {
      if (g === to) return [g];
      if (seen.has(g)) return undefined;
      seen.add(g);
      for (const c of this.groups.get(g)?.children ?? []) {
        const rest = walk(c);
        if (rest) return [g, ...rest];
      }
      return undefined;
    };
    return walk(from);
  }

  addHost(name: string, vars: Record<string, unknown> = {}, groups: string[] = []): void {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {}, groups: new Set() };
      this.hosts.set(name, h);
    }
    Object.assign(h.vars, vars);
    for (const g of groups) {
      if (g === 'all') continue;
      this.addGroup(g);
      this.groups.get(g)!.hosts.add(name);
      h.groups.add(g);
    }
    this.groups.get('all')!.hosts.add(name);
    this.varsCache.clear();
  }

  /** After loading: groups without a parent hang under all; hosts in no group go to ungrouped. */
  finish(): void {
    const all = this.groups.get('all')!;
    for (const [name, g] of this.groups) {
      if (name !== 'all' && g.parents.size === 0) {
        g.parents.add('all');
        all.children.add(name);
      }
    }
    this.depthCache = undefined;
    const ungrouped = this.groups.get('ungrouped')!;
    for (const [name, h] of this.hosts) {
      if ([...h.groups].some((g) => g !== 'ungrouped')) {
        h.groups.delete('ungrouped');
        ungrouped.hosts.delete(name);
      } else {
        h.groups.add('ungrouped');
        ungrouped.hosts.add(name);
      }
    }
    this.varsCache.clear();
  }

  private depth(group: string, seen = new Set<string>()): number {
    this.depthCache ??= new Map();
    const cached = this.depthCache.get(group);
    if (cached !== undefined) return cached;
    if (seen.has(group)) return 0;
    seen.add(group);
    const g = this.groups.get(group);
    const d = !g || g.parents.size === 0 ? 0 : Math.max(...[...g.parents].map((p) => this.depth(p, seen) + 1));
    this.depthCache.set(group, d);
    return d;
  }

  /** All groups of a host including ancestors, with all, sorted by (depth, name). */
  private hostGroupsSorted(host: string): string[] {
    const h = this.hosts.get(host);
    const found = new Set<string>(['all']);
    const visit = (g: string): void => {
      if (found.has(g)) return;
      found.add(g);
      for (const p of this.groups.get(g)?.parents ?? []) visit(p);
    };
    for (const g of h?.groups ?? []) visit(g);
    return [...found].sort((a, b) => this.depth(a) - this.depth(b) || a.localeCompare(b));
  }

  hostVars(host: string): Record<string, unknown> {
    const cached = this.varsCache.get(host);
    if (cached) return cached;
    const implicit = this.implicit.get(host);
    if (implicit) return { ...implicit.vars };
    const out: Record<string, unknown> = {};
    const groups = this.hostGroupsSorted(host);
    // inventory-file group vars first, then group_vars/ files, each in depth order
    for (const g of groups) Object.assign(out, this.groups.get(g)?.vars);
    for (const g of groups) for (const f of this.groupVarFiles.get(g) ?? []) Object.assign(out, f);
    Object.assign(out, this.hosts.get(host)?.vars);
    for (const f of this.hostVarFiles.get(host) ?? []) Object.assign(out, f);
    if (out.ansible_host === undefined && IMPLICIT_LOCAL.has(host) && out.ansible_connection === undefined) out.ansible_connection = 'local';
    this.varsCache.set(host, out);
    return out;
  }

  groupNames(host: string): string[] {
    return this.hostGroupsSorted(host).filter((g) => g !== 'all').sort();
  }

  /** Hosts of a group and its descendants, in inventory order. */
  groupHosts(group: string): string[] {
    const names = new Set<string>();
    const seen = new Set<string>();
    const visit = (g: string): void => {
      if (seen.has(g)) return;
      seen.add(g);
      const grp = this.groups.get(g);
      if (!grp) return;
      for (const h of grp.hosts) names.add(h);
      for (const c of grp.children) visit(c);
    };
    visit(group);
    return [...this.hosts.keys()].filter((h) => names.has(h));
  }

  groupsMap(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const g of this.groups.keys()) out[g] = this.groupHosts(g);
    return out;
  }

  private matchTerm(term: string): string[] {
    const sub = /^(.+)\[(-?\d+)(?::(-?\d*))?\]$/.exec(term);
    if (sub && !/^\d+$/.test(sub[1]!) && (this.groups.has(sub[1]!) || this.hosts.has(sub[1]!))) {
      const list = this.groups.has(sub[1]!) ? this.groupHosts(sub[1]!) : [sub[1]!];
      const from = Number(sub[2]);
      const start = from < 0 ? list.length + from : from;
      if (sub[3] === undefined) return list[start] !== undefined ? [list[start]!] : [];
      const end = sub[3] === '' ? list.length : Number(sub[3]) < 0 ? list.length + Number(sub[3]) : Number(sub[3]) + 1;
      return list.slice(start, end);
    }
    if (term === 'all' || term === '*') return [...this.hosts.keys()];
    if (this.groups.has(term)) return this.groupHosts(term);
    if (this.hosts.has(term)) return [term];
    let re: RegExp | undefined;
    if (term.startsWith('~')) re = new RegExp(term.slice(1));
    else if (/[*?[]/.test(term)) re = globToRegex(term);
    if (re) {
      const out = new Set<string>();
      for (const g of this.groups.keys()) if (re.test(g)) for (const h of this.groupHosts(g)) out.add(h);
      for (const h of this.hosts.keys()) if (re.test(h)) out.add(h);
      return [...this.hosts.keys()].filter((h) => out.has(h));
    }
    if (IMPLICIT_LOCAL.has(term)) {
      if (!this.implicit.has(term)) this.implicit.set(term, { name: term, vars: { ansible_connection: 'local' }, groups: new Set() });
      return [term];
    }
    return [];
  }

  private splitPattern(pattern: string): string[] {
    // ':' separates terms, except inside a ~regex or a [range]; ',' always does
    const out: string[] = [];
    let cur = '';
    let depth = 0;
    for (const c of pattern.trim()) {
      if (c === '[') depth++;
      if (c === ']') depth = Math.max(0, depth - 1);
      if ((c === ',' || (c === ':' && !cur.startsWith('~') && depth === 0)) && depth === 0) {
        if (cur.trim()) out.push(cur.trim());
        cur = '';
      } else cur += c;
    }
    if (cur.trim()) out.push(cur.trim());
    return out;
  }

  select(pattern: string, limit?: string): string[] {
    let hosts = this.resolve(pattern);
    if (limit) {
      const text = limit.startsWith('@') ? readLimitFile(limit.slice(1)) : limit;
      const allowed = new Set(this.resolve(text));
      hosts = hosts.filter((h) => allowed.has(h));
    }
    return hosts;
  }

  private resolve(pattern: string): string[] {
    const terms = this.splitPattern(pattern);
    const include: string[] = [];
    const seen = new Set<string>();
    for (const t of terms.filter((x) => !x.startsWith('!') && !x.startsWith('&'))) {
      for (const h of this.matchTerm(t)) {
        if (seen.has(h)) continue;
        seen.add(h);
        include.push(h);
      }
    }
    let result = include;
    for (const t of terms.filter((x) => x.startsWith('&'))) {
      const keep = new Set(this.matchTerm(t.slice(1)));
      result = result.filter((h) => keep.has(h));
    }
    for (const t of terms.filter((x) => x.startsWith('!'))) {
      const drop = new Set(this.matchTerm(t.slice(1)));
      result = result.filter((h) => !drop.has(h));
    }
    return result;
  }
}

function readLimitFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).join(',');
  } catch (err) {
    throw new InputError(`could not read limit file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file: path, field: 'limit' });
  }
}
