// to_nice_yaml as Ansible prints it: PyYAML's block style (sorted keys, sequences under a key
// not indented, `-   ` items at indent 4), its quoting rules (YAML 1.1 look-alikes such as
// 'yes', '1', '~' or '2001-12-14' are single-quoted) and its float format.

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL)$/;
const TIMESTAMP = /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

// control characters force PyYAML's double-quoted style
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function resolvesToOtherType(s: string): boolean {
  return BOOL.test(s) || FLOAT.test(s) || INT.test(s) || NULL.test(s) || TIMESTAMP.test(s) || s === '<<' || s === '=';
}

// PyYAML's analyze_scalar, reduced to "may this be written plain in block context"
function plainAllowed(s: string): boolean {
  if (s === '' || resolvesToOtherType(s)) return false;
  if (/^\s|\s$/.test(s) || /[\n\r\x85\u2028\u2029]/.test(s)) return false;
  if (CONTROL.test(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/:(\s|$)/.test(s) || /\s#/.test(s)) return false;
  return true;
}

/** Python's repr() of a float as PyYAML writes it (1.0, 1.0e+16, 1.5e-05, .inf). */
export function yamlFloat(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  let r: string;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) r = v.toExponential().replace(/e([-+])(\d)$/, 'e$10$2');
  else r = Number.isInteger(v) ? `${Object.is(v, -0) ? '-0' : v}.0` : String(v);
  return r.includes('.') || !r.includes('e') ? r : r.replace('e', '.0e');
}

function scalar(v: unknown, indent: number, flow = false): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Number) return yamlFloat(v.valueOf());
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : yamlFloat(v);
  const s = String(v);
  // inside [..] or {..} a plain scalar may not hold flow indicators either
  if (plainAllowed(s) && !(flow && /[,?[\]{}]/.test(s))) return s;
  if (CONTROL.test(s) || /^\s*\n|\n\s*$|[ \t]\n/.test(s)) return JSON.stringify(s);
  // single-quoted; a line break is written as an empty line, then the next line indented
  return `'${s.replace(/'/g, "''").replace(/\n+/g, (m) => `\n${m}${' '.repeat(indent)}`)}'`;
}

function isCollection(v: unknown): v is unknown[] | Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof String) && !(v instanceof Number) && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function empty(v: unknown): string | undefined {
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number) && Object.keys(v).length === 0) return '{}';
  return undefined;
}

/** default_flow_style=None: a collection holding only scalars is written [a, b] / {k: v}. */
function isFlatCollection(v: unknown): boolean {
  if (!isCollection(v)) return false;
  // an empty [] or {} item is a collection node too, which makes its parent block style
  return (Array.isArray(v) ? v : Object.values(v)).every((x) => !isCollection(x) && empty(x) === undefined);
}

/** A flat collection in flow style, wrapped past column 80 as PyYAML's emitter does. */
function flowText(v: unknown[] | Record<string, unknown>, startCol: number, indent: number): string {
  const items = Array.isArray(v)
    ? v.map((x) => empty(x) ?? scalar(x, indent, true))
    : Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => `${scalar(k, indent, true)}: ${empty(x) ?? scalar(x, indent, true)}`);
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  let out = open;
  let col = startCol + 1;
  items.forEach((item, i) => {
    if (i > 0) {
      out += ',';
      col++;
      if (col > 80) {
        out += `\n${' '.repeat(indent)}`;
        col = indent;
      } else {
        out += ' ';
        col++;
      }
    }
    out += item;
    col += item.length;
  });
  return out + close;
}

function lines(v: unknown, col: number, n: number, flow = false): string[] {
  const pad = ' '.repeat(col);
  if (flow && isFlatCollection(v)) return [`${pad}${flowText(v as unknown[], col, col + n)}`];
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (flow && isFlatCollection(item)) return [`${pad}- ${flowText(item as unknown[], col + 2, col + n)}`];
      // a scalar item follows `- `; a collection item starts at the next indentation column
      if (!isCollection(item)) return [`${pad}- ${empty(item) ?? scalar(item, col + n)}`];
      const inner = lines(item, col + n, n, flow);
      inner[0] = `${pad}-${' '.repeat(n - 1)}${inner[0]!.slice(col + n)}`;
      return inner;
    });
  }
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.flatMap(([k, x]) => {
    const key = `${pad}${scalar(k, col + n)}:`;
    if (!isCollection(x)) return [`${key} ${empty(x) ?? scalar(x, col + n)}`];
    if (flow && isFlatCollection(x)) return [`${key} ${flowText(x, key.length + 1, col + n)}`];
    return [key, ...lines(x, Array.isArray(x) ? col : col + n, n, flow)];
  });
}

/** yaml.dump(v, indent=n, default_flow_style=False, allow_unicode=True) for JSON-like values. */
export function pyNiceYaml(v: unknown, indent = 4): string {
  if (!isCollection(v)) return `${empty(v) ?? scalar(v, indent)}\n`;
  return `${lines(v, 0, indent).join('\n')}\n`;
}

/** yaml.dump(v, default_flow_style=None, allow_unicode=True): Ansible's to_yaml. */
export function pyYaml(v: unknown, indent = 2): string {
  if (!isCollection(v)) return `${empty(v) ?? scalar(v, indent)}\n`;
  return `${lines(v, 0, indent, true).join('\n')}\n`;
}
