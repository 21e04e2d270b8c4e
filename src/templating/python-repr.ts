// Python's str()/repr() and json.dumps() shapes, because Ansible renders values that way:
// `{{ [1, 'a'] }}` inside a string prints "[1, 'a']", to_json prints '{"a": 1}'.
import { isPyFloat, pyFloatRepr } from './python-float.js';
import { isPyObject } from './python-object.js';
import { isTuple } from './python-tuple.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

function reprString(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;
}

/** Python repr() of a JSON-like value. */
export function pyRepr(v: unknown): string {
  // an undefined value inside a list or dict fails when printed, as Jinja's StrictUndefined
  if (v instanceof Undefined) mustBeDefined(v);
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (isPyFloat(v)) return pyFloatRepr(v as number);
  // an int past 1e21 would print in exponent form
  if (typeof v === 'number') return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
  if (typeof v === 'string' || v instanceof String) return reprString(String(v));
  if (isPyObject(v)) return v.pyRepr();
  if (Array.isArray(v)) return isTuple(v) ? `(${v.map(pyRepr).join(', ')}${v.length === 1 ? ',' : ''})` : `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

/** Python str() of a value: strings as they are, everything else as repr(). */
export function pyStr(v: unknown): string {
  // nunjucks' SafeString (a macro's or a safe filter's result) is a String object
  if (typeof v === 'string' || v instanceof String) return String(v);
  if (isPyObject(v)) return v.pyStr();
  return pyRepr(v);
}

/** Python json.dumps(v, indent=?, sort_keys=?) with Python's separators. */
export function pyJson(v: unknown, indent?: number, sortKeys = false, level = 0, ensureAscii = true): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return jsonString(v, ensureAscii);
  if (isPyFloat(v)) return jsonFloat(v as number);
  if (typeof v === 'number') return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
  if (typeof v === 'boolean') return JSON.stringify(v);
  if (isPyObject(v)) return pyJson(v.pyJsonValue(), indent, sortKeys, level, ensureAscii);
  const pad = indent !== undefined ? '\n' + ' '.repeat(indent * (level + 1)) : '';
  const end = indent !== undefined ? '\n' + ' '.repeat(indent * level) : '';
  const sep = indent !== undefined ? ',' : ', ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[${pad}${v.map((x) => pyJson(x, indent, sortKeys, level + 1, ensureAscii)).join(sep + pad)}${end}]`;
  }
  if (typeof v === 'object') {
    let entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!entries.length) return '{}';
    return `{${pad}${entries.map(([k, x]) => `${jsonString(k, ensureAscii)}: ${pyJson(x, indent, sortKeys, level + 1, ensureAscii)}`).join(sep + pad)}${end}}`;
  }
  return JSON.stringify(String(v));
}

/** A JSON string as json.dumps writes it: with ensure_ascii every character past ~ is a \\u escape. */
function jsonString(s: string, ensureAscii: boolean): string {
  const json = JSON.stringify(s);
  return ensureAscii ? json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** json.dumps of a float: its repr, with JavaScript's names for the non-finite ones. */
function jsonFloat(v: number): string {
  const n = v.valueOf();
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return pyFloatRepr(n === 0 || Number.isInteger(n) ? (new Number(n) as number) : n);
}
