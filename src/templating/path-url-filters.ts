// ansible-core's remaining builtin filters for paths and URLs (plugins/filter/core.py,
// urls.py, urlsplit.py): path_join, relpath, expandvars, fileglob, win_basename/dirname/
// splitdrive (ntpath), urldecode, urlsplit, rekey_on_member; vault/unvault refused (no Vault).
import { readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { pyStr } from './python-repr.js';
import { pyTuple } from './python-tuple.js';

function text(v: unknown, fn: string): string {
  if (typeof v === 'string' || v instanceof String) return String(v);
  throw new TemplateError(`${fn}: expected str, bytes or os.PathLike object, not ${pyTypeName(v)}`);
}

/** os.path.join. */
function posixJoin(parts: string[]): string {
  let out = '';
  parts.forEach((p, i) => {
    if (p.startsWith('/') || i === 0) out = p;
    else if (out === '' || out.endsWith('/')) out += p;
    else out += `/${p}`;
  });
  return out;
}

function pathJoin(paths: unknown): string {
  if (typeof paths === 'string' || paths instanceof String) return String(paths);
  if (Array.isArray(paths)) return posixJoin(paths.map((p) => text(p, 'join()')));
  throw new TemplateError(`|path_join expects string or sequence, got ${pyTypeName(paths)} instead.`);
}

/** os.path.relpath(path, start='.'). */
function relpath(path: unknown, start: unknown = '.'): string {
  const p = text(path, 'relpath');
  if (!p) throw new TemplateError('no path specified');
  return relative(resolve(text(start, 'relpath')), resolve(p)) || '.';
}

/** os.path.expandvars: $NAME and ${NAME} of the controller's environment; unknown ones stay. */
function expandvars(v: unknown): string {
  return pyStr(v).replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return process.env[key] ?? m;
  });
}

/** glob.glob(pattern) of regular files, on the controller (`*`, `?`, `[...]` per path part). */
function fileglob(pattern: unknown): string[] {
  const p = pyStr(pattern);
  const absolute = p.startsWith('/');
  let found = [absolute ? '/' : ''];
  for (const part of p.split('/').filter(Boolean)) {
    const re = /[*?[]/.test(part) ? new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^')}$`) : undefined;
    found = found.flatMap((dir) => {
      const base = dir === '' ? '.' : dir;
      if (!re) return [posixJoin([dir, part].filter((x) => x !== ''))];
      try {
        return readdirSync(base).filter((n) => re.test(n) && (part.startsWith('.') || !n.startsWith('.'))).map((n) => posixJoin([dir, n].filter((x) => x !== '')));
      } catch {
        return [];
      }
    });
  }
  return found.filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/** ntpath.splitdrive. */
function ntSplitdrive(p: string): [string, string] {
  if (p.length >= 2) {
    const n = p.replace(/\//g, '\\');
    if (n.startsWith('\\\\') && n[2] !== '\\') {
      const i = n.indexOf('\\', 2);
      if (i === -1) return ['', p];
      let j = n.indexOf('\\', i + 1);
      if (j === i + 1) return ['', p];
      if (j === -1) j = p.length;
      return [p.slice(0, j), p.slice(j)];
    }
    if (n[1] === ':') return [p.slice(0, 2), p.slice(2)];
  }
  return ['', p];
}

/** ntpath.split. */
function ntSplit(p: string): [string, string] {
  const [d, rest] = ntSplitdrive(p);
  let i = rest.length;
  while (i && !'/\\'.includes(rest[i - 1]!)) i--;
  const head = rest.slice(0, i);
  const tail = rest.slice(i);
  return [d + (head.replace(/[/\\]+$/, '') || head), tail];
}

/** urllib.parse.unquote_plus. */
function urldecode(v: unknown): string {
  const s = text(v, 'unquote_plus').replace(/\+/g, ' ');
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** urllib.parse.urlsplit's parts, as Ansible's urlsplit filter gives them (sorted keys). */
function urlsplit(value: unknown, query: unknown = ''): unknown {
  let rest = text(value, 'urlsplit');
  let scheme = '';
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (sm) {
    scheme = sm[1]!.toLowerCase();
    rest = rest.slice(sm[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let q = '';
  const qm = rest.indexOf('?');
  if (qm >= 0) {
    q = rest.slice(qm + 1);
    rest = rest.slice(0, qm);
  }
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const colon = userinfo?.indexOf(':') ?? -1;
  const username = userinfo === undefined ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = userinfo !== undefined && colon >= 0 ? userinfo.slice(colon + 1) : null;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  const hostText = bracket ? bracket[1]! : hostport.split(':')[0]!;
  const portText = bracket ? bracket[2] : hostport.includes(':') ? hostport.slice(hostport.indexOf(':') + 1) : undefined;
  let port: number | null = null;
  if (portText) {
    if (!/^\d+$/.test(portText)) throw new TemplateError(`Port could not be cast to integer value as '${portText}'`);
    port = Number(portText);
    if (port > 65535) throw new TemplateError('Port out of range 0-65535');
  }
  const parts: Record<string, unknown> = { fragment, hostname: hostText ? hostText.toLowerCase() : null, netloc, password, path: rest, port, query: q, scheme, username };
  const name = pyStr(query);
  if (!name) return parts;
  if (!(name in parts)) throw new TemplateError(`urlsplit: unknown URL component: ${name}`);
  return parts[name];
}

/** rekey_on_member(data, key, duplicates='error'): a list (or a dict's values) of dicts keyed by a member. */
function rekeyOnMember(data: unknown, key: unknown, duplicates: unknown = 'error'): Record<string, unknown> {
  if (duplicates !== 'error' && duplicates !== 'overwrite') throw new TemplateError(`duplicates parameter to rekey_on_member has unknown value: ${pyStr(duplicates)}`);
  const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  let items: unknown[];
  if (isDict(data)) items = Object.values(data);
  else if (Array.isArray(data)) items = data;
  else throw new TemplateError('Type is not a valid list, set, or dict');
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (!isDict(item)) throw new TemplateError('List item is not a valid dict');
    const k = pyStr(key);
    if (!(k in item)) throw new TemplateError(`Key ${k} was not found`);
    const newKey = pyStr(item[k]);
    if (newKey in out && duplicates === 'error') throw new TemplateError(`Key ${newKey} is not unique, cannot correctly turn into dict`);
    out[newKey] = item;
  }
  return out;
}

function vaultRefused(): never {
  throw new TemplateError('vault/unvault are not supported by Drover (it has no Ansible Vault support)');
}

/** The filters, by name. */
export const PATH_URL_FILTERS: Record<string, (...args: any[]) => unknown> = {
  path_join: pathJoin,
  relpath,
  expandvars,
  fileglob,
  win_basename: (v: unknown) => ntSplit(text(v, 'basename'))[1],
  win_dirname: (v: unknown) => ntSplit(text(v, 'dirname'))[0],
  win_splitdrive: (v: unknown) => pyTuple(ntSplitdrive(text(v, 'splitdrive'))),
  urldecode,
  urlsplit,
  rekey_on_member: rekeyOnMember,
  vault: vaultRefused,
  unvault: vaultRefused,
};

/** Their keyword parameters after the value. */
export const PATH_URL_FILTER_PARAMS: Record<string, string[]> = { relpath: ['start'], urlsplit: ['query'], rekey_on_member: ['key', 'duplicates'] };
