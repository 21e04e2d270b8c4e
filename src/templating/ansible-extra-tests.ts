// ansible-core's builtin tests Drover lacked (plugins/test/core.py, files.py, mathstuff.py,
// uri.py): all/any, the is_* path aliases, mount and same_file, isnan, issubset/issuperset,
// reachable/unreachable/successful/started/finished on task results, uri/url/urn, and
// vault_encrypted (always false: Drover has no vault values).
import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { TemplateError } from '../cli/errors.js';
import { truthy } from './filters.js';
import { numberOf } from './python-float.js';
import { pyIterate } from './python-number-filters.js';
import { TESTS } from './tests.js';

type Test = (value: unknown, ...args: any[]) => boolean;

function taskResult(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TemplateError(`The '${name}' test expects a dictionary`);
  return v as Record<string, unknown>;
}

/** A registered async result's started/finished (0 or 1); a non-async result counts as done. */
const asyncFlag = (key: string) => (v: unknown): boolean => {
  const r = taskResult(v, key);
  return key in r ? numberOf(r[key]) === 1 : true;
};

/** os.path.ismount. */
function isMount(v: unknown): boolean {
  try {
    const p = String(v);
    const here = statSync(p);
    if (!here.isDirectory()) return false;
    const parent = statSync(dirname(realpathSync(p)) === realpathSync(p) ? p : `${p}/..`);
    return here.dev !== parent.dev || here.ino === parent.ino;
  } catch {
    return false;
  }
}

/** urlparse's scheme and netloc, or undefined where urlparse raises (a non-string, an unclosed [). */
function urlParts(v: unknown): { scheme: string; netloc: string } | undefined {
  if (typeof v !== 'string') return undefined;
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(v);
  const rest = sm ? v.slice(sm[0].length) : v;
  const netloc = rest.startsWith('//') ? rest.slice(2).split(/[/?#]/)[0]! : '';
  if (netloc.includes('[') !== netloc.includes(']')) return undefined;
  return { scheme: sm ? sm[1]!.toLowerCase() : '', netloc };
}

const isUri = (v: unknown, schemes?: unknown): boolean => {
  const u = urlParts(v);
  return u !== undefined && (!truthy(schemes) || pyIterate(schemes).includes(u.scheme));
};

/** The tests, by name. */
export const EXTRA_TESTS: Record<string, Test> = {
  all: (v) => pyIterate(v).every(truthy),
  any: (v) => pyIterate(v).some(truthy),
  is_abs: (v, ...a) => TESTS.abs!(v, ...a),
  is_dir: (v, ...a) => TESTS.directory!(v, ...a),
  is_file: (v, ...a) => TESTS.file!(v, ...a),
  is_link: (v, ...a) => TESTS.link!(v, ...a),
  mount: isMount,
  is_mount: isMount,
  same_file: (a, b) => {
    try {
      const x = statSync(String(a));
      const y = statSync(String(b));
      return x.dev === y.dev && x.ino === y.ino;
    } catch (err) {
      throw new TemplateError(`No such file or directory: ${(err as Error).message}`);
    }
  },
  is_same_file: (a, b) => EXTRA_TESTS.same_file!(a, b),
  isnan: (v) => {
    // Ansible's isnotanumber: math.isnan, and False for what it refuses
    const n = numberOf(v);
    return n !== undefined && Number.isNaN(n);
  },
  issubset: (v, other) => TESTS.subset!(v, other),
  issuperset: (v, other) => TESTS.superset!(v, other),
  successful: (v) => TESTS.success!(v),
  unreachable: (v) => truthy(taskResult(v, 'unreachable').unreachable ?? false),
  reachable: (v) => !truthy(taskResult(v, 'unreachable').unreachable ?? false),
  started: asyncFlag('started'),
  finished: asyncFlag('finished'),
  uri: isUri,
  url: (v, schemes) => isUri(v, schemes) && (urlParts(v)!.netloc !== '' || urlParts(v)!.scheme === 'file'),
  urn: (v) => isUri(v, ['urn']),
  vault_encrypted: () => false,
};
