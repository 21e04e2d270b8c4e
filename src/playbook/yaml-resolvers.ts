// Ansible reads YAML with PyYAML's YAML 1.1 resolvers, which differ from the YAML 1.1 spec
// that the `yaml` library implements: booleans are only yes/no/true/false/on/off (not y/n),
// a float needs a dot (1e3 is a string), 0o17 is a string, dates are Python dates. This
// schema gives the `yaml` library PyYAML's exact regexes and constructors as custom tags, so
// the library still does the parsing (positions, anchors, errors) and only typing changes.
import { Schema, type CollectionTag, type ScalarTag, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

const Y = 'tag:yaml.org,2002:';

// PyYAML's implicit resolvers (yaml/resolver.py), verbatim
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
// SafeConstructor.timestamp_regexp, which also takes explicit !!timestamp values
const TIMESTAMP_PARTS = /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;
// valid JSON numbers that PyYAML's float regex does not take (1e3, 1.5e3): Ansible reads a JSON
// file with Python's json module first, which makes them floats
const JSON_EXP_FLOAT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?[eE][-+]?[0-9]+$/;

const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

function parseInteger(digits: string, base: number, source: string): number {
  if (!DIGITS[base]!.test(digits)) throw new Error(`invalid literal for int() with base ${base}: '${source}'`);
  return parseInt(digits, base);
}

function sexagesimal(value: string, part: (p: string) => number): number {
  return value.split(':').reduce((sum, p) => sum * 60 + part(p), 0);
}

/** SafeConstructor.construct_yaml_int: sign, 0b, 0x, leading-0 octal, base 60. */
function constructInt(source: string): number {
  let value = source.replace(/_/g, '');
  const sign = value.startsWith('-') ? -1 : 1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  let n: number;
  if (value === '0') return 0;
  else if (value.startsWith('0b')) n = parseInteger(value.slice(2), 2, source);
  else if (value.startsWith('0x')) n = parseInteger(value.slice(2), 16, source);
  else if (value.startsWith('0')) n = parseInteger(value, 8, source);
  else if (value.includes(':')) n = sexagesimal(value, (p) => parseInteger(p, 10, source));
  else n = parseInteger(value, 10, source);
  // -0 is the int 0 in Python; a JS -0 would read as a float
  return n === 0 ? 0 : sign * n;
}

const PY_FLOAT = /^(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?|inf|infinity|nan)$/;

function pyFloat(s: string, source: string): number {
  if (!PY_FLOAT.test(s)) throw new Error(`could not convert string to float: '${source}'`);
  if (s.startsWith('inf')) return Infinity;
  return s === 'nan' ? NaN : Number(s);
}

/** SafeConstructor.construct_yaml_float: .inf, .nan, base 60, else Python's float(). */
function constructFloat(source: string): number {
  let value = source.replace(/_/g, '').toLowerCase();
  const sign = value.startsWith('-') ? -1 : 1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) return sign * sexagesimal(value, (p) => pyFloat(p, source));
  return sign * pyFloat(value, source);
}

/** SafeConstructor.construct_yaml_bool: only the six words, in any case when tagged !!bool. */
function constructBool(source: string): boolean {
  const v = source.toLowerCase();
  if (v === 'yes' || v === 'true' || v === 'on') return true;
  if (v === 'no' || v === 'false' || v === 'off') return false;
  throw new Error(`'${source}' is not a YAML 1.1 boolean`);
}

function daysIn(year: number, month: number): number {
  // day 0 of the next month is the last of this one (years 1-99 map to 1901-1999, same leap rule)
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * SafeConstructor.construct_yaml_timestamp, as the text Ansible prints for it. PyYAML makes a
 * Python date or datetime, which a template prints with str() ('2001-12-14',
 * '2001-12-14 21:59:43.100000-05:00'); Drover has no date type (its templar would print a JS
 * Date as a dict), so the value is that text.
 */
function constructTimestamp(source: string): string {
  const m = TIMESTAMP_PARTS.exec(source);
  if (!m) throw new Error(`'${source}' is not a YAML timestamp`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Python's date() refuses what Date.UTC would roll over (2024-02-30 is not 2024-03-01)
  if (year < 1) throw new Error('year 0 is out of range');
  if (month < 1 || month > 12) throw new Error('month must be in 1..12');
  if (day < 1 || day > daysIn(year, month)) throw new Error('day is out of range for month');
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (m[4] === undefined) return date;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23) throw new Error('hour must be in 0..23');
  if (minute > 59) throw new Error('minute must be in 0..59');
  if (second > 59) throw new Error('second must be in 0..59');
  const micro = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  let zone = '';
  if (m[9]) {
    const offset = Number(m[10]) * 60 + Number(m[11] ?? 0);
    if (offset >= 24 * 60) throw new Error('offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)');
    zone = `${offset === 0 ? '+' : m[9]}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
  } else if (m[8]) zone = '+00:00';
  return `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}${micro ? `.${pad(micro, 6)}` : ''}${zone}`;
}

function failing(resolve: (s: string) => unknown): ScalarTag['resolve'] {
  return (value, onError) => {
    try {
      return resolve(value);
    } catch (err) {
      onError((err as Error).message);
      return value;
    }
  };
}

/** A type as PyYAML has it: the explicit tag (!!int "42") and the implicit resolver (a regex). */
function typed(name: string, test: RegExp, resolve: (s: string) => unknown): ScalarTag[] {
  const explicit: ScalarTag = { tag: `${Y}${name}`, resolve: failing(resolve) };
  return [explicit, { ...explicit, default: true, test }];
}

const JINJA = /\{\{|\{%|\{#/;

// Ansible's own tags. Drover has no vault; and it has no way to keep a value from being
// templated, so !unsafe is accepted only where templating would not change the value.
const ansibleTags: ScalarTag[] = [
  {
    tag: '!vault',
    resolve: failing(() => {
      throw new Error('Drover has no vault support: a !vault value cannot be decrypted; pass the secret with -e @file or an environment lookup instead');
    }),
  },
  {
    tag: '!unsafe',
    resolve: failing((s) => {
      if (JINJA.test(s)) throw new Error('Drover cannot keep a !unsafe value from being templated, and this one holds {{, {% or {#; escape it with {% raw %}...{% endraw %} instead');
      return s;
    }),
  },
];

// PyYAML resolves '=' to tag:yaml.org,2002:value, which has no constructor: an error in Ansible
const valueTag: ScalarTag = {
  tag: `${Y}value`,
  default: true,
  test: /^=$/,
  resolve: failing(() => {
    throw new Error(`could not determine a constructor for the tag '${Y}value'`);
  }),
};

// !!binary is bytes in Python, which templates print as text: the decoded text is the closest
const binaryTag: ScalarTag = { tag: `${Y}binary`, resolve: (s) => Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('utf8') };

// !!set is a Python set; Drover has no set type and a list or dict would print differently
const setTag: CollectionTag = {
  tag: `${Y}set`,
  collection: 'map',
  resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed, onError) => {
    onError('Drover has no set type: !!set is not supported; use a list');
    return value;
  },
};

function pyyamlTags(jsonNumbers: boolean): (libraryTags: Tags) => Tags {
  // the library's map, seq, str, merge (<<), omap and pairs behave as PyYAML's
  const kept = new Set(['map', 'seq', 'str', 'merge', 'omap', 'pairs'].map((t) => `${Y}${t}`));
  return (libraryTags) => [
    ...(jsonNumbers ? [{ tag: `${Y}float`, default: true, test: JSON_EXP_FLOAT, resolve: (s: string) => Number(s) } satisfies ScalarTag] : []),
    ...libraryTags.filter((t) => typeof t !== 'string' && kept.has(t.tag)),
    ...typed('null', NULL, () => null),
    ...typed('bool', BOOL, constructBool),
    ...typed('int', INT, constructInt),
    ...typed('float', FLOAT, constructFloat),
    ...typed('timestamp', TIMESTAMP, constructTimestamp),
    valueTag,
    binaryTag,
    setTag,
    ...ansibleTags,
  ];
}

/** PyYAML's YAML 1.1 typing as Ansible's loader has it, whatever %YAML directive a file has. */
export const ANSIBLE_YAML_SCHEMA = new Schema({ schema: 'yaml-1.1', resolveKnownTags: false, customTags: pyyamlTags(false) });

/** The same for a file that is valid JSON, which Ansible reads with Python's json module first. */
export const ANSIBLE_JSON_SCHEMA = new Schema({ schema: 'yaml-1.1', resolveKnownTags: false, customTags: pyyamlTags(true) });
