// `+` and `*` as in Python: lists concatenate and repeat ([1] + [2], [0] * 3), strings repeat
// ('-' * 20), and mixing types is an error (JavaScript turned [1] + [2] into '12' and
// 'a' + 1 into 'a1').
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

function operand(v: unknown): unknown {
  if (v instanceof Undefined) mustBeDefined(v);
  return v instanceof String ? String(v) : v;
}

function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined;
}

function repeat(seq: string | unknown[], times: number): string | unknown[] {
  if (typeof seq === 'string') return times > 0 ? seq.repeat(times) : '';
  const out: unknown[] = [];
  for (let i = 0; i < times; i++) out.push(...seq);
  return out;
}

/** Python's a + b. */
export function pyAdd(a: unknown, b: unknown): unknown {
  a = operand(a);
  b = operand(b);
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x + y;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === 'string' || Array.isArray(a)) throw new TemplateError(`can only concatenate ${pyTypeName(a)} (not "${pyTypeName(b)}") to ${pyTypeName(a)}`);
  throw new TemplateError(`unsupported operand type(s) for +: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python's a * b. */
export function pyMul(a: unknown, b: unknown): unknown {
  a = operand(a);
  b = operand(b);
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x * y;
  const [seq, times] = typeof a === 'string' || Array.isArray(a) ? [a, b] : [b, a];
  if (typeof seq === 'string' || Array.isArray(seq)) {
    const n = asNumber(times);
    if (n !== undefined && Number.isInteger(n)) return repeat(seq, n);
    throw new TemplateError(`can't multiply sequence by non-int of type '${pyTypeName(times)}'`);
  }
  throw new TemplateError(`unsupported operand type(s) for *: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Patch the nunjucks compiler (once per process) so + and * follow Python. */
export function installPythonArithmetic(nunjucksModule: any): void {
  const runtime = nunjucksModule.runtime;
  runtime.pyAdd = pyAdd;
  runtime.pyMul = pyMul;
  const proto = nunjucksModule.compiler.Compiler.prototype;
  const call = (fn: string) =>
    function (this: any, node: any, frame: unknown): void {
      this._emit(`runtime.${fn}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  proto.compileAdd = call('pyAdd');
  proto.compileMul = call('pyMul');
}
