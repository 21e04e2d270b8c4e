// Command-line parsing with spf13/pflag's semantics (as the real 1.5/1.6 binaries use it):
// `--x=v`, `--x v`, bools `--x`/`--x=false`, `-v=2` shorthands, `_` normalised to `-`,
// interspersed positional args, `--` ends flags. Unknown flag → stderr `unknown flag: --foo`
// + usage, exit 2; deprecated → stderr warning and run on; `--version` → stdout, exit 0.
import { isIP } from 'node:net';

/** Value kinds of the flags real deployments pass (Go flag types they map to). */
export type FlagType = 'string' | 'bool' | 'int' | 'float' | 'duration' | 'ip' | 'cidr' | 'stringSlice' | 'map' | 'version';

/** What the file checks in files.ts/preflight do with a path flag. */
export type FileKind = 'cert' | 'key' | 'ca' | 'kubeconfig' | 'pubkey' | 'file';

/** One row of a component's flag table (flag-tables.ts). */
export interface FlagSpec {
  name: string;
  type: FlagType;
  /** Default as pflag prints it; '' for none. Lists are comma-joined. */
  default: string;
  usage: string;
  shorthand?: string;
  /** pflag MarkDeprecated message: warns on use, hidden from usage. */
  deprecated?: string;
  /** pflag MarkHidden: accepted, not in usage. */
  hidden?: boolean;
  /** This name writes the same variable as another flag (e.g. 1.6 `--experimental-cri` → `enable-cri`). */
  aliasOf?: string;
  /** The flag names a file the binary really reads at start-up. */
  file?: FileKind;
  /** For a certificate flag: the flag naming its private key (checked to match). */
  keyFlag?: string;
}

/** Typed read access to the parsed command line of one binary. */
export interface ParsedFlags {
  readonly program: string;
  /** Positional arguments (pflag allows them interspersed). */
  readonly args: string[];
  /** The flag exists in this version's table. */
  has(name: string): boolean;
  /** Given on the command line (directly or through an alias). */
  isSet(name: string): boolean;
  string(name: string): string;
  bool(name: string): boolean;
  int(name: string): number;
  float(name: string): number;
  /** A Go duration (`40s`, `5m0s`, `1h30m`) in milliseconds. */
  durationMs(name: string): number;
  /** stringSlice flags: comma-split, repeats append. */
  list(name: string): string[];
  /** ConfigurationMap flags (`k=v,k2=v2`), e.g. --node-labels. */
  map(name: string): Record<string, string>;
  /** The value as text, as pflag would print it. */
  raw(name: string): string;
  /** The table this command line was parsed against. */
  readonly table: readonly FlagSpec[];
}

/** The outcome of a parse that does not exit (for tests and for parseOrExit). */
export type ParseResult =
  | { ok: true; flags: ParsedFlags; warnings: string[]; version: 'false' | 'true' | 'raw' }
  | { ok: false; error: string; help: boolean; warnings: string[] };

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (BOOL_TRUE.has(s)) return true;
  if (BOOL_FALSE.has(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  const bad = (): never => {
    throw new Error(`time: invalid duration ${s}`);
  };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') bad();
  let total = 0;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) bad();
    total += Number(m![1]) * UNIT_MS[m![2]!]!;
    rest = rest.slice(m![0].length);
  }
  return sign * total;
}

function parseGoInt(s: string): number {
  const m = /^([+-]?)(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const body = m[2]!;
  const n = body.startsWith('0x') ? parseInt(body.slice(2), 16) : body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

/** Check a value against its type the way the Go flag.Value.Set would; returns the error text or undefined. */
function validate(type: FlagType, value: string): string | undefined {
  try {
    switch (type) {
      case 'bool':
        parseGoBool(value);
        break;
      case 'version':
        if (value !== 'raw') parseGoBool(value);
        break;
      case 'int':
        parseGoInt(value);
        break;
      case 'float':
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
        break;
      case 'duration':
        parseGoDuration(value);
        break;
      case 'ip':
        if (!isIP(value)) throw new Error(`failed to parse IP: ${JSON.stringify(value)}`);
        break;
      case 'cidr': {
        const [ip, bits, extra] = value.split('/');
        const fam = isIP(ip ?? '');
        const max = fam === 6 ? 128 : 32;
        if (!fam || extra !== undefined || !/^\d+$/.test(bits ?? '') || Number(bits) > max) throw new Error(`invalid CIDR address: ${value}`);
        break;
      }
      case 'map':
        for (const pair of value.split(',')) if (pair !== '' && !pair.includes('=')) throw new Error('malformed pair, expect string=string');
        break;
      default:
        break;
    }
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function splitList(v: string): string[] {
  return v === '' ? [] : v.split(',').map((x) => x.trim());
}

/** pflag's name for a flag in messages: `--x`, or `-v, --v` with a shorthand. */
function displayName(spec: FlagSpec): string {
  return spec.shorthand ? `-${spec.shorthand}, --${spec.name}` : `--${spec.name}`;
}

/** pflag's usage text (visible, non-deprecated flags), printed after a parse error and for --help. */
export function usageText(program: string, table: readonly FlagSpec[]): string {
  const rows = table
    .filter((f) => !f.hidden && !f.deprecated)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => {
      const left = `${f.shorthand ? `  -${f.shorthand}, ` : '      '}--${f.name}${f.type === 'bool' || f.type === 'version' ? '' : ` ${f.type}`}`;
      const def = f.default === '' || (f.type === 'bool' && f.default === 'false') ? '' : f.type === 'string' ? ` (default ${JSON.stringify(f.default)})` : ` (default ${f.default})`;
      return `${left.padEnd(48)} ${f.usage}${def}`;
    });
  return `Usage of ${program}:\n${rows.join('\n')}\n`;
}

/** Parse argv against a table without side effects (pflag with ContinueOnError). */
export function parseFlags(program: string, argv: readonly string[], table: readonly FlagSpec[]): ParseResult {
  const byName = new Map(table.map((f) => [f.name, f]));
  const byShort = new Map(table.filter((f) => f.shorthand).map((f) => [f.shorthand!, f]));
  const values = new Map<string, string | string[]>();
  const setNames = new Set<string>();
  const args: string[] = [];
  const warnings: string[] = [];
  const fail = (error: string, help = false): ParseResult => ({ ok: false, error, help, warnings });

  const assign = (spec: FlagSpec, value: string): string | undefined => {
    const err = validate(spec.type, value);
    if (err) return `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(displayName(spec))} flag: ${err}`;
    const target = spec.aliasOf ? byName.get(spec.aliasOf)! : spec;
    if (target.type === 'stringSlice') {
      const prev = setNames.has(target.name) ? (values.get(target.name) as string[]) : [];
      values.set(target.name, [...prev, ...splitList(value)]);
    } else if (target.type === 'map') {
      const prev = setNames.has(target.name) ? (values.get(target.name) as string) : '';
      values.set(target.name, prev && value ? `${prev},${value}` : prev || value);
    } else {
      values.set(target.name, value);
    }
    setNames.add(target.name);
    setNames.add(spec.name);
    if (spec.deprecated) warnings.push(`Flag --${spec.name} has been deprecated, ${spec.deprecated}`);
    return undefined;
  };
  const noOptValue = (spec: FlagSpec): string | undefined => (spec.type === 'bool' || spec.type === 'version' ? 'true' : undefined);

  const rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length < 2 || !s.startsWith('-')) {
      args.push(s);
      continue;
    }
    if (s === '--') {
      args.push(...rest.splice(0));
      break;
    }
    if (s.startsWith('--')) {
      const body = s.slice(2);
      if (body === '' || body.startsWith('-') || body.startsWith('=')) return fail(`bad flag syntax: ${s}`);
      const eq = body.indexOf('=');
      const name = (eq < 0 ? body : body.slice(0, eq)).replace(/_/g, '-');
      const spec = byName.get(name);
      if (!spec) return name === 'help' ? fail('pflag: help requested', true) : fail(`unknown flag: --${name}`);
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (noOptValue(spec) !== undefined) value = noOptValue(spec)!;
      else if (rest.length > 0) value = rest.shift()!;
      else return fail(`flag needs an argument: ${s}`);
      const err = assign(spec, value);
      if (err) return fail(err);
      continue;
    }
    // shorthand: -v=2, -v 2, -v2, -D (bool), -Dv2
    let shorts = s.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0]!;
      const spec = byShort.get(c);
      if (!spec) return c === 'h' ? fail('pflag: help requested', true) : fail(`unknown shorthand flag: '${c}' in ${s}`);
      let value: string;
      if (shorts[1] === '=') {
        value = shorts.slice(2);
        shorts = '';
      } else if (noOptValue(spec) !== undefined) {
        value = noOptValue(spec)!;
        shorts = shorts.slice(1);
      } else if (shorts.length > 1) {
        value = shorts.slice(1);
        shorts = '';
      } else if (rest.length > 0) {
        value = rest.shift()!;
        shorts = '';
      } else {
        return fail(`flag needs an argument: '${c}' in -${c}`);
      }
      const err = assign(spec, value);
      if (err) return fail(err);
    }
  }

  const specOf = (name: string): FlagSpec => {
    const spec = byName.get(name);
    if (!spec) throw new Error(`${program}: no flag --${name} in this version's table (check flags.has first)`);
    return spec.aliasOf ? byName.get(spec.aliasOf)! : spec;
  };
  const text = (name: string): string => {
    const spec = specOf(name);
    const v = values.get(spec.name);
    if (v === undefined) return spec.default;
    return Array.isArray(v) ? v.join(',') : v;
  };
  const need = (name: string, types: FlagType[]): FlagSpec => {
    const spec = specOf(name);
    if (!types.includes(spec.type)) throw new Error(`${program}: --${name} is a ${spec.type} flag, not ${types.join('/')}`);
    return spec;
  };
  const flags: ParsedFlags = {
    program,
    args,
    table,
    has: (name) => byName.has(name),
    isSet: (name) => (specOf(name), setNames.has(name)),
    raw: text,
    string: (name) => text(name),
    bool: (name) => (need(name, ['bool', 'version']), parseGoBool(text(name) === 'raw' ? 'true' : text(name))),
    int: (name) => (need(name, ['int']), parseGoInt(text(name))),
    float: (name) => (need(name, ['float', 'int']), Number(text(name))),
    durationMs: (name) => (need(name, ['duration']), parseGoDuration(text(name))),
    list: (name) => {
      const spec = need(name, ['stringSlice']);
      const v = values.get(spec.name);
      return Array.isArray(v) ? [...v] : splitList(spec.default);
    },
    map: (name) => {
      need(name, ['map']);
      const out: Record<string, string> = {};
      for (const pair of splitList(text(name))) {
        const i = pair.indexOf('=');
        out[pair.slice(0, i)] = pair.slice(i + 1);
      }
      return out;
    },
  };
  const versionSpec = byName.get('version');
  let version: 'false' | 'true' | 'raw' = 'false';
  if (versionSpec && setNames.has('version')) {
    const v = text('version');
    version = v === 'raw' ? 'raw' : parseGoBool(v) ? 'true' : 'false';
  }
  return { ok: true, flags, warnings, version };
}

/** pflag ExitOnError + verflag: prints warnings/errors/usage/version like the real binaries and exits where they do. */
export function parseOrExit(program: string, argv: readonly string[], table: readonly FlagSpec[], versionLine: string, rawVersion?: string): ParsedFlags {
  const r = parseFlags(program, argv, table);
  for (const w of r.warnings) process.stderr.write(`${w}\n`);
  if (!r.ok) {
    if (!r.help) process.stderr.write(`${r.error}\n`);
    process.stderr.write(usageText(program, table));
    process.exit(r.help ? 0 : 2);
  }
  if (r.version !== 'false') {
    process.stdout.write(`${r.version === 'raw' && rawVersion ? rawVersion : versionLine}\n`);
    process.exit(0);
  }
  return r.flags;
}
