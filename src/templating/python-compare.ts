// Python's comparisons in templates: == compares lists and dicts by value (JavaScript's ==
// compares identity, so `el == []` was false), comparisons chain (1 < x < 5), ordering is
// lexicographic for lists and refuses mixed types, and `in` tests membership by value.
import { TemplateError } from '../cli/errors.js';
import { isPyFloat, isPyNumber, numberOf } from './python-float.js';
import { pyObjectCompare } from './python-object.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

function defined(v: unknown): unknown {
  return v instanceof Undefined ? mustBeDefined(v) : v;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number);
}

const num = numberOf;

/** Python's type name, for error messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (isPyNumber(v)) return isPyFloat(v) ? 'float' : 'int';
  if (typeof v === 'string' || v instanceof String) return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** Python ==: numbers (and bools) by value, containers by their contents. */
export function pyEq(a: unknown, b: unknown): boolean {
  a = defined(a);
  b = defined(b);
  if (a instanceof String) a = String(a);
  if (b instanceof String) b = String(b);
  const x = num(a);
  const y = num(b);
  if (x !== undefined || y !== undefined) return x === y;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => pyEq(e, b[i]));
  if (isDict(a) || isDict(b)) {
    if (!isDict(a) || !isDict(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && pyEq(a[k], b[k]));
  }
  return a === b || (a == null && b == null);
}

function order(op: string, a: unknown, b: unknown): number {
  const own = pyObjectCompare(a, b);
  if (own !== undefined) return own;
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if ((typeof a === 'string' || a instanceof String) && (typeof b === 'string' || b instanceof String)) return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!pyEq(a[i], b[i])) return order(op, a[i], b[i]);
    return a.length - b.length;
  }
  throw new TemplateError(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python's `a <op> b` for one comparison operator (==, !=, <, <=, >, >=). */
export function templateCompare(op: string, a: unknown, b: unknown): boolean {
  if (op === 'in') return pyIn(a, b);
  if (op === 'notin') return !pyIn(a, b);
  if (op === '==' || op === '===') return pyEq(a, b);
  if (op === '!=' || op === '!==') return !pyEq(a, b);
  const c = order(op, defined(a), defined(b));
  return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
}

/** Python's `x in container`. */
export function pyIn(item: unknown, container: unknown): boolean {
  item = defined(item);
  container = defined(container);
  if (typeof container === 'string' || container instanceof String) {
    if (typeof item !== 'string' && !(item instanceof String)) throw new TemplateError(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    return String(container).includes(String(item));
  }
  if (Array.isArray(container)) return container.some((x) => pyEq(x, item));
  if (isDict(container)) return (typeof item === 'string' || typeof item === 'number') && Object.prototype.hasOwnProperty.call(container, String(item));
  throw new TemplateError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

/** Patch the nunjucks compiler and runtime (once per process) for Python comparisons. */
export function installPythonCompare(nunjucksModule: any): void {
  const runtime = nunjucksModule.runtime;
  runtime.pyCompare = (first: unknown, ...rest: unknown[]): boolean => {
    let left = first;
    for (let i = 0; i < rest.length; i += 2) {
      const right = (rest[i + 1] as () => unknown)();
      if (!templateCompare(rest[i] as string, left, right)) return false;
      left = right;
    }
    return true;
  };
  runtime.inOperator = pyIn;
  nunjucksModule.compiler.Compiler.prototype.compileCompare = function (this: any, node: any, frame: unknown): void {
    this._emit('runtime.pyCompare(');
    this.compile(node.expr, frame);
    for (const op of node.ops) {
      this._emit(`, ${JSON.stringify(op.type)}, () => (`);
      this.compile(op.expr, frame);
      this._emit(')');
    }
    this._emit(')');
  };
}
