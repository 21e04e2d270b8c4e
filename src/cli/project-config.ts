// The project config file: drover.yml (or $DROVER_CONFIG), else the common keys of Ansible's
// ansible.cfg, found where Ansible looks. Precedence, highest first: flags > environment >
// this file > built-in defaults. Unknown keys in drover.yml are errors (it is our file);
// unknown ansible.cfg keys are ignored (it is Ansible's, and holds much we do not read).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { InputError } from './errors.js';
import { keyLocation, readYamlFile } from '../playbook/yaml-source.js';

type Kind = 'str' | 'int' | 'bool' | 'paths';

/** One key: its ansible.cfg section, value kind, and the environment variables that override it. */
interface ConfigKey {
  section: 'defaults' | 'privilege_escalation';
  kind: Kind;
  env: string[];
}

/** The keys read from drover.yml and ansible.cfg (same names in both). */
export const CONFIG_KEYS = {
  inventory: { section: 'defaults', kind: 'paths', env: ['DROVER_INVENTORY', 'ANSIBLE_INVENTORY'] },
  forks: { section: 'defaults', kind: 'int', env: ['DROVER_FORKS', 'ANSIBLE_FORKS'] },
  remote_user: { section: 'defaults', kind: 'str', env: ['DROVER_REMOTE_USER', 'ANSIBLE_REMOTE_USER'] },
  remote_port: { section: 'defaults', kind: 'int', env: ['DROVER_REMOTE_PORT', 'ANSIBLE_REMOTE_PORT'] },
  private_key_file: { section: 'defaults', kind: 'str', env: ['DROVER_PRIVATE_KEY_FILE', 'ANSIBLE_PRIVATE_KEY_FILE'] },
  host_key_checking: { section: 'defaults', kind: 'bool', env: ['DROVER_HOST_KEY_CHECKING', 'ANSIBLE_HOST_KEY_CHECKING'] },
  roles_path: { section: 'defaults', kind: 'paths', env: ['DROVER_ROLES_PATH', 'ANSIBLE_ROLES_PATH'] },
  timeout: { section: 'defaults', kind: 'int', env: ['DROVER_TIMEOUT', 'ANSIBLE_TIMEOUT'] },
  become: { section: 'privilege_escalation', kind: 'bool', env: ['DROVER_BECOME', 'ANSIBLE_BECOME'] },
  become_user: { section: 'privilege_escalation', kind: 'str', env: ['DROVER_BECOME_USER', 'ANSIBLE_BECOME_USER'] },
  become_method: { section: 'privilege_escalation', kind: 'str', env: ['DROVER_BECOME_METHOD', 'ANSIBLE_BECOME_METHOD'] },
} as const satisfies Record<string, ConfigKey>;

export type ConfigName = keyof typeof CONFIG_KEYS;
export type ConfigValue = string | number | boolean | string[];

/** Values found in the config file, with where each came from (for error messages). */
export interface ProjectConfig {
  file?: string;
  values: Partial<Record<ConfigName, ConfigValue>>;
}

const TRUE = /^(1|true|yes|on|y|t)$/i;
const FALSE = /^(0|false|no|off|n|f)$/i;

/** Convert a raw value to its key's kind; `where` names the file:line or variable for errors. */
function convert(name: ConfigName, raw: unknown, where: { file: string; line?: number }, baseDir: string): ConfigValue {
  const kind: Kind = CONFIG_KEYS[name].kind;
  const bad = (want: string): InputError => new InputError(`${name} must be ${want}, got '${String(raw)}'`, { ...where, field: name });
  if (kind === 'int') {
    const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1) throw bad('a positive integer');
    return n;
  }
  if (kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (TRUE.test(String(raw).trim())) return true;
    if (FALSE.test(String(raw).trim())) return false;
    throw bad('a boolean (true/false, yes/no)');
  }
  if (kind === 'paths') {
    // ansible.cfg: comma list for inventory, colon list for roles_path; drover.yml: a string or a list
    if (raw === null || (typeof raw === 'object' && !Array.isArray(raw)) || (Array.isArray(raw) && raw.some((p) => typeof p !== 'string'))) throw bad('a path or a list of paths');
    const list = Array.isArray(raw) ? (raw as string[]) : String(raw).split(name === 'roles_path' ? ':' : ',');
    // relative paths are relative to the file that names them, as Ansible resolves them
    return list.map((p) => p.trim()).filter(Boolean).map((p) => (p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : resolve(baseDir, p)));
  }
  if (raw === null || typeof raw === 'object') throw bad('a string');
  return String(raw).trim();
}

/** drover.yml: a flat mapping of the keys above; anything else is an error naming file:line. */
function readDroverYml(file: string): ProjectConfig {
  const data = readYamlFile(file);
  if (data === null || data === undefined) return { file, values: {} };
  if (typeof data !== 'object' || Array.isArray(data)) throw new InputError('a drover.yml must be a mapping of settings', { file, line: 1 });
  const values: ProjectConfig['values'] = {};
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    const at = keyLocation(data, key);
    const where = { file, line: at?.line, col: at?.col };
    if (!(key in CONFIG_KEYS)) {
      throw new InputError(`unknown key '${key}' in ${file}`, { ...where, hint: `known keys: ${Object.keys(CONFIG_KEYS).join(', ')}` });
    }
    values[key as ConfigName] = convert(key as ConfigName, raw, where, dirname(file));
  }
  return { file, values };
}

/**
 * ansible.cfg, read as Python's configparser does for these keys: `[section]`, `key = value` or
 * `key: value`, `#`/`;` comment lines and `;` comments after a space. Other keys and sections
 * are Ansible's business and ignored.
 */
function readAnsibleCfg(file: string): ProjectConfig {
  const values: ProjectConfig['values'] = {};
  let section = '';
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      const line = text.replace(/\s;.*$/, '').trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) return;
      const header = /^\[([^\]]+)\]$/.exec(line);
      if (header) {
        section = header[1]!.trim();
        return;
      }
      const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
      if (!kv) return;
      const key = kv[1]!.toLowerCase() as ConfigName;
      if (!(key in CONFIG_KEYS) || CONFIG_KEYS[key].section !== section) return;
      values[key] = convert(key, kv[2]!, { file, line: i + 1 }, dirname(file));
    });
  return { file, values };
}

/** Ansible's search order: $ANSIBLE_CONFIG, ./ansible.cfg (not in a world-writable directory), ~/.ansible.cfg, /etc/ansible/ansible.cfg. */
function findAnsibleCfg(cwd: string, env: NodeJS.ProcessEnv, warn: (message: string) => void): string | undefined {
  if (env.ANSIBLE_CONFIG) {
    const p = resolve(cwd, env.ANSIBLE_CONFIG);
    if (existsSync(p)) return statSync(p).isDirectory() ? resolve(p, 'ansible.cfg') : p;
  }
  const local = resolve(cwd, 'ansible.cfg');
  if (existsSync(local)) {
    // a world-writable directory could plant a config that runs anything; Ansible refuses it too
    if ((statSync(cwd).mode & 0o002) === 0) return local;
    warn(`Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`);
  }
  for (const p of [resolve(env.HOME ?? homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg']) if (existsSync(p)) return p;
  return undefined;
}

/** Find and read the project config: $DROVER_CONFIG or ./drover.yml, else ansible.cfg. */
export function loadProjectConfig(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(`[WARNING]: ${m}\n`)): ProjectConfig {
  if (env.DROVER_CONFIG) {
    const file = resolve(cwd, env.DROVER_CONFIG);
    if (!existsSync(file)) throw new InputError(`DROVER_CONFIG names a file that does not exist: ${env.DROVER_CONFIG}`, { field: 'DROVER_CONFIG' });
    return readDroverYml(file);
  }
  const own = resolve(cwd, 'drover.yml');
  if (existsSync(own)) return readDroverYml(own);
  const cfg = findAnsibleCfg(cwd, env, warn);
  return cfg ? readAnsibleCfg(cfg) : { values: {} };
}

/** A setting from the environment (DROVER_X, then ANSIBLE_X), else the config file, else undefined. */
export function configSetting(config: ProjectConfig, name: ConfigName, env: NodeJS.ProcessEnv = process.env): ConfigValue | undefined {
  for (const v of CONFIG_KEYS[name].env) {
    const raw = env[v];
    if (raw !== undefined && raw !== '') return convert(name, raw, { file: `$${v}` }, process.cwd());
  }
  return config.values[name];
}
