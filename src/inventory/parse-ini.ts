// Ansible's INI inventory: [group], [group:vars], [group:children], inline host vars.
import { InputError } from '../cli/errors.js';
import { checkConnectionVar } from './check-connection.js';
import { expandHostRange } from './host-ranges.js';
import type { InventoryData } from './inventory-data.js';

/** Inline host values are Python literals in Ansible: numbers, True/False, quoted strings. */
function literal(v: string): unknown {
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^-?\d+\.\d+$/.test(v)) return Number(v);
  if (v === 'True') return true;
  if (v === 'False') return false;
  if (v === 'None') return null;
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  if ((v.startsWith('[') && v.endsWith(']')) || (v.startsWith('{') && v.endsWith('}'))) {
    try {
      return JSON.parse(v.replace(/'/g, '"'));
    } catch {
      return v;
    }
  }
  return v;
}

/** Split `a=1 b="x y"` keeping quoted values together. */
function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (const c of line) {
    if (q) {
      cur += c;
      if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      cur += c;
      q = c;
    } else if (/\s/.test(c)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}


/** Parse INI inventory text into the inventory. */
export function parseIniInventory(text: string, file: string, inv: InventoryData): void {
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.replace(/^\s+/, '');
    const lineNo = idx + 1;
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]\s*$/.exec(line.trimEnd());
    if (header) {
      const [name, suffix] = header[1]!.split(':') as [string, string | undefined];
      if (suffix && !['vars', 'children'].includes(suffix)) throw new InputError(`invalid section suffix ':${suffix}' (vars, children)`, { file, line: lineNo, col: 1, field: header[1] });
      section = name;
      kind = (suffix as 'vars' | 'children' | undefined) ?? 'hosts';
      inv.addGroup(section);
      return;
    }
    const content = line.replace(/\s+#.*$/, '').trimEnd();
    if (kind === 'vars') {
      const m = /^([^=\s]+)\s*=\s*(.*)$/.exec(content);
      if (!m) throw new InputError(`expected key=value in [${section}:vars]`, { file, line: lineNo, col: 1, field: content });
      const value = { [m[1]!]: literal(m[2]!.trim()) };
      checkConnectionVar(value, { file, line: lineNo, col: 1 });
      inv.addGroup(section, value);
      return;
    }
    if (kind === 'children') {
      inv.addChild(section, content.trim(), { file, line: lineNo, col: 1 });
      return;
    }
    const words = splitWords(content);
    const [hostPattern, ...rest] = words;
    const vars: Record<string, unknown> = {};
    for (const w of rest) {
      const eq = w.indexOf('=');
      if (eq <= 0) throw new InputError(`expected key=value after the host name, got '${w}'`, { file, line: lineNo, col: raw.indexOf(w) + 1, field: hostPattern });
      vars[w.slice(0, eq)] = literal(w.slice(eq + 1));
      if (w.slice(0, eq) === 'ansible_connection') checkConnectionVar(vars, { file, line: lineNo, col: raw.indexOf(w) + 1 });
    }
    let hostName = hostPattern!;
    const port = /^([^[\]:]+):(\d+)$/.exec(hostName);
    if (port) {
      hostName = port[1]!;
      vars.ansible_port = Number(port[2]);
    }
    let names: string[];
    try {
      names = expandHostRange(hostName);
    } catch (err) {
      throw new InputError((err as Error).message, { file, line: lineNo, col: 1, field: hostName });
    }
    for (const n of names) inv.addHost(n, vars, section === 'ungrouped' ? [] : [section]);
  });
}
