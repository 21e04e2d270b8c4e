// Values with their Python type kept, so Ansible's and Drover's results compare exactly:
// 2 (int) is not 2.0 (float) is not '2' (str), [] is not {}, None is not ''.
import { Undefined } from '../../src/templating/undefined-value.js';

/** A value as the Python driver prints it: type tag plus payload (dicts as ordered pairs). */
export interface Typed {
  t: string;
  v?: unknown;
}

/** Encode a JavaScript value the way the driver encodes a Python one (numbers: int if integral). */
export function typedFromJs(v: unknown, depth = 0): Typed {
  if (depth > 50) return { t: 'other:deep' };
  if (v instanceof Undefined || v === undefined) return { t: 'undefined' };
  if (v === null) return { t: 'none' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { t: 'float', v: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    return Number.isInteger(v) && !Object.is(v, -0) ? { t: 'int', v } : { t: 'float', v };
  }
  if (typeof v === 'bigint') return { t: 'int', v: String(v) };
  // a whole Python float is a boxed Number in Drover's templar (src/templating/python-float.ts)
  if (v instanceof Number) return { t: 'float', v: v.valueOf() };
  if (typeof v === 'string' || v instanceof String) return { t: 'str', v: String(v) };
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? { t: 'date', v: iso.slice(0, 10) } : { t: 'datetime', v: iso };
  }
  if (Array.isArray(v)) return { t: 'list', v: v.map((x) => typedFromJs(x, depth + 1)) };
  if (v instanceof Map) return { t: 'dict', v: [...v.entries()].map(([k, x]) => [typedFromJs(k, depth + 1), typedFromJs(x, depth + 1)]) };
  if (typeof v === 'object') return { t: 'dict', v: Object.entries(v as object).map(([k, x]) => [{ t: 'str', v: k }, typedFromJs(x, depth + 1)]) };
  return { t: `other:${typeof v}`, v: String(v) };
}

/** Exact equality: same type tags all the way down, same order of dict keys, same payloads. */
export function sameTyped(a: Typed, b: Typed): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'list') {
    const x = a.v as Typed[];
    const y = b.v as Typed[];
    return x.length === y.length && x.every((e, i) => sameTyped(e, y[i]!));
  }
  if (a.t === 'dict') {
    const x = a.v as [Typed, Typed][];
    const y = b.v as [Typed, Typed][];
    return x.length === y.length && x.every(([k, e], i) => sameTyped(k, y[i]![0]) && sameTyped(e, y[i]![1]));
  }
  return a.v === b.v;
}

function pyStrLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}'`;
}

/** A short Python-like rendering for reports: 2.0, '2', None, [1, 'a'], {'k': True}. */
export function showTyped(x: Typed): string {
  switch (x.t) {
    case 'none':
      return 'None';
    case 'undefined':
      return 'Undefined';
    case 'bool':
      return x.v ? 'True' : 'False';
    case 'int':
      return String(x.v);
    case 'float':
      return typeof x.v === 'number' && Number.isInteger(x.v) ? `${x.v}.0` : String(x.v);
    case 'str':
      return pyStrLiteral(String(x.v));
    case 'list':
      return `[${(x.v as Typed[]).map(showTyped).join(', ')}]`;
    case 'dict':
      return `{${(x.v as [Typed, Typed][]).map(([k, v]) => `${showTyped(k)}: ${showTyped(v)}`).join(', ')}}`;
    default:
      return `${x.t}(${String(x.v)})`;
  }
}
