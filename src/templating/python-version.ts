// Ansible's `version` test (version_compare) with its version types: LooseVersion (the
// default), StrictVersion (strict=true or version_type='strict') and SemanticVersion
// ('semver'/'semantic') and PEP 440 ('pep440', packaging's Version), each parsing and ordering
// as Python's class does.
import { TemplateError } from '../cli/errors.js';

type Part = number | string;

/** distutils' LooseVersion: runs of digits (numbers), of lowercase letters, and what lies between; dots dropped. */
function loose(v: string): Part[] {
  return v.split(/(\d+|[a-z]+|\.)/).filter((p) => p && p !== '.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Python's list ordering; an int against a str is Python 3's TypeError. */
function compareParts(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [p, q] = [a[i]!, b[i]!];
    if (typeof p !== typeof q) throw new TemplateError(`Version comparison failed: '<' not supported between instances of '${typeof p === 'number' ? 'int' : 'str'}' and '${typeof q === 'number' ? 'int' : 'str'}'`);
    if (p !== q) return p < q ? -1 : 1;
  }
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

const STRICT = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/;

/** distutils' StrictVersion: (major, minor, patch) then a prerelease ('a1' < 'b1' < none). */
function strict(v: string): { nums: number[]; pre?: Part[] } {
  const m = STRICT.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid version number '${v}'`);
  return { nums: [Number(m[1]), Number(m[2]), Number(m[4] ?? 0)], pre: m[5] ? [m[5][0]!, Number(m[6])] : undefined };
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Ansible's SemanticVersion: (major, minor, patch), then a prerelease sorts before the release; build metadata is ignored. */
function semver(v: string): { nums: number[]; pre?: Part[] } {
  const m = SEMVER.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid semantic version '${v}'`);
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : undefined };
}

/** Semver's prerelease identifiers: numbers below names, numbers numerically, names by text, a prefix first. */
function comparePrerelease(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [p, q] = [a[i]!, b[i]!];
    if (p === q) continue;
    if (typeof p !== typeof q) return typeof p === 'number' ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareReleased(x: { nums: number[]; pre?: Part[] }, y: { nums: number[]; pre?: Part[] }, pre: (a: Part[], b: Part[]) => number): number {
  const c = compareParts(x.nums, y.nums);
  if (c) return c;
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  return pre(x.pre, y.pre);
}

const PEP440 = /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;
const PRE: Record<string, string> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

/** packaging's Version sort key: epoch, release without trailing zeros, pre, post, dev, local (±Infinity where packaging uses its sentinels). */
function pep440Key(v: string): Part[][] {
  const m = PEP440.exec(v.trim());
  if (!m) throw new TemplateError(`Version comparison failed: Invalid version: '${v}'`);
  const [, epoch, release, preL, preN, postN1, postL, postN2, dev, devN, local] = m;
  const nums = release!.split('.').map(Number);
  while (nums.length > 1 && nums[nums.length - 1] === 0) nums.pop();
  const hasPost = postN1 !== undefined || postL !== undefined;
  const pre: Part[] = preL ? [PRE[preL.toLowerCase()]!, Number(preN ?? 0)] : !hasPost && dev ? [-Infinity] : [Infinity];
  const post: Part[] = hasPost ? [Number(postN1 ?? postN2 ?? 0)] : [-Infinity];
  const devKey: Part[] = dev ? [Number(devN ?? 0)] : [Infinity];
  // a local label's parts: numbers sort after names, names case-insensitively
  const localKey: Part[] = local ? local.toLowerCase().split(/[-_.]/).flatMap((p) => (/^\d+$/.test(p) ? [1, Number(p)] : [0, p])) : [-Infinity];
  return [[Number(epoch ?? 0)], nums, pre, post, devKey, localKey];
}

/** Order two sort keys part by part, numbers against names as packaging's tuples do (pre labels are names, sentinels numbers). */
function compareKeys(a: Part[][], b: Part[][]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    for (let j = 0; j < Math.min(x.length, y.length); j++) {
      const [p, q] = [x[j]!, y[j]!];
      if (p === q) continue;
      if (typeof p !== typeof q) return typeof p === 'number' ? (p === -Infinity ? -1 : 1) : typeof q === 'number' && q === -Infinity ? 1 : -1;
      return p < q ? -1 : 1;
    }
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  }
  return 0;
}

const TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'];

/** Compare two versions as version_compare does for the given type; -1, 0 or 1. */
export function compareVersionsAs(type: string, a: string, b: string): number {
  if (type === 'loose') return compareParts(loose(a), loose(b));
  if (type === 'strict') return compareReleased(strict(a), strict(b), compareParts);
  if (type === 'semver' || type === 'semantic') return compareReleased(semver(a), semver(b), comparePrerelease);
  if (type === 'pep440') return compareKeys(pep440Key(a), pep440Key(b));
  throw new TemplateError(`Invalid version type (${type}). Must be one of ${TYPES.map((t) => `'${t}'`).join(', ')}`);
}

const OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

/** Ansible's version test: version(other, operator='eq', strict=None, version_type=None), keywords allowed. */
export function versionTest(value: unknown, ...args: unknown[]): boolean {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  const kw = last && typeof last === 'object' && (last as Record<string, unknown>).__keywords ? last : {};
  const pos = kw === last ? args.slice(0, -1) : args;
  for (const k of Object.keys(kw)) if (!['__keywords', 'version', 'operator', 'strict', 'version_type'].includes(k)) throw new TemplateError(`version_compare() got an unexpected keyword argument '${k}'`);
  const other = pos[0] ?? kw.version;
  const op = pos[1] ?? kw.operator ?? 'eq';
  const isStrict = pos[2] ?? kw.strict ?? null;
  const type = pos[3] ?? kw.version_type ?? null;
  if (isStrict !== null && type !== null) throw new TemplateError("Cannot specify both 'strict' and 'version_type'");
  if (!value) throw new TemplateError('Input version value cannot be empty');
  if (!other) throw new TemplateError('Version parameter to compare against cannot be empty');
  const fn = OPS[String(op)];
  if (!fn) throw new TemplateError(`Invalid operator type (${String(op)}). Must be one of ${Object.keys(OPS).map((o) => `'${o}'`).join(', ')}`);
  return fn(compareVersionsAs(isStrict ? 'strict' : type === null ? 'loose' : String(type), String(value), String(other)));
}
