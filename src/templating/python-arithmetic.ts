// `+` and `*` as in Python: lists concatenate and repeat ([1] + [2], [0] * 3), strings repeat
// ('-' * 20), and mixing types is an error (JavaScript turned [1] + [2] into '12' and
// 'a' + 1 into 'a1').
import { TemplateError } from '../cli/errors.js';
import { pyPercentFormat } from './more-filters.js';
import { pyTypeName } from './python-compare.js';
import { arithmeticResult, isPyFloat, numberOf, pyFloat } from './python-float.js';
import { isTuple } from './python-tuple.js';
import { pyObjectSub } from './python-object.js';
import { mustBeDefined, Undefined } from './undefined-value.js';

function operand(v: unknown): unknown {
  if (v instanceof Undefined) mustBeDefined(v);
  return v instanceof String ? String(v) : v;
}

const asNumber = numberOf;

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
  if (x !== undefined && y !== undefined) return arithmeticResult(x + y, a, b);
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
  if (x !== undefined && y !== undefined) return arithmeticResult(x * y, a, b);
  const [seq, times] = typeof a === 'string' || Array.isArray(a) ? [a, b] : [b, a];
  if (typeof seq === 'string' || Array.isArray(seq)) {
    const n = asNumber(times);
    if (n !== undefined && !isPyFloat(times)) return repeat(seq, n);
    throw new TemplateError(`can't multiply sequence by non-int of type '${pyTypeName(times)}'`);
  }
  throw new TemplateError(`unsupported operand type(s) for *: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === undefined || y === undefined) throw new TemplateError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  return [x, y];
}

function nonZero(y: number, what: string): void {
  if (y === 0) throw new TemplateError(what);
}

/** Python's a - b (numbers only). */
export function pySub(a: unknown, b: unknown): number {
  a = operand(a);
  b = operand(b);
  // a datetime minus a datetime is a timedelta
  const own = pyObjectSub(a, b);
  if (own !== undefined) return own as number;
  const [x, y] = numbers('-', a, b);
  return arithmeticResult(x - y, a, b);
}

/** Python's a / b: numbers only, dividing by zero is an error (JavaScript gave Infinity). */
export function pyDiv(a: unknown, b: unknown): number {
  const [x, y] = numbers('/', operand(a), operand(b));
  nonZero(y, 'division by zero');
  return pyFloat(x / y);
}

/** Python's a // b: floor division, by zero an error. */
export function pyFloorDiv(a: unknown, b: unknown): number {
  a = operand(a);
  b = operand(b);
  const [x, y] = numbers('//', a, b);
  nonZero(y, isPyFloat(a) || isPyFloat(b) ? 'float divmod()' : 'integer division or modulo by zero');
  return arithmeticResult(Math.floor(x / y), a, b);
}

/** Python's a % b: the result takes the divisor's sign; a string on the left is %-formatting. */
export function pyMod(a: unknown, b: unknown): unknown {
  a = operand(a);
  // Jinja's Undefined has __getitem__, so Python takes it for a mapping: a format without
  // conversions never touches it ('' % undef is ''); any conversion fails on it
  if (typeof a === 'string' && b instanceof Undefined && !/%/.test(a.replace(/%%/g, ''))) return a.replace(/%%/g, '%');
  b = operand(b);
  if (typeof a === 'string' && Array.isArray(b) && !isTuple(b)) {
    // a list is one argument, but (having __getitem__) Python does not mind it going unused
    try {
      return pyPercentFormat(a, [b]);
    } catch (err) {
      if (err instanceof TemplateError && /not all arguments converted/.test(err.message)) return pyPercentFormat(a, {});
      throw err;
    }
  }
  if (typeof a === 'string') return pyPercentFormat(a, Array.isArray(b) && isTuple(b) ? b : b !== null && typeof b === 'object' && !Array.isArray(b) && !(b instanceof Number) ? (b as Record<string, unknown>) : [b]);
  const [x, y] = numbers('%', a, b);
  nonZero(y, isPyFloat(a) || isPyFloat(b) ? 'float modulo' : 'integer division or modulo by zero');
  const r = x % y;
  return arithmeticResult(r !== 0 && r < 0 !== y < 0 ? r + y : r, a, b);
}

/** Python's a ** b: numbers only; 0 ** -1 is an error. */
export function pyPow(a: unknown, b: unknown): number {
  a = operand(a);
  b = operand(b);
  const [x, y] = numbers('** or pow()', a, b);
  if (x === 0 && y < 0) throw new TemplateError('0.0 cannot be raised to a negative power');
  // an int to a negative int power is a float in Python (2 ** -1 is 0.5, 1 ** -1 is 1.0)
  return y < 0 ? pyFloat(x ** y) : arithmeticResult(x ** y, a, b);
}

/** Python's unary minus and plus: numbers only (JavaScript turned -'a' into NaN). */
export function pyNeg(a: unknown, sign = -1): number {
  a = operand(a);
  const x = asNumber(a);
  if (x === undefined) throw new TemplateError(`bad operand type for unary ${sign < 0 ? '-' : '+'}: '${pyTypeName(a)}'`);
  return isPyFloat(a) ? pyFloat(sign * x) : typeof a === 'boolean' ? sign * x : sign < 0 ? -x || 0 : x;
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
  runtime.pySub = pySub;
  runtime.pyDiv = pyDiv;
  runtime.pyFloorDiv = pyFloorDiv;
  runtime.pyMod = pyMod;
  runtime.pyPow = pyPow;
  proto.compileSub = call('pySub');
  proto.compileDiv = call('pyDiv');
  proto.compileFloorDiv = call('pyFloorDiv');
  proto.compileMod = call('pyMod');
  proto.compilePow = call('pyPow');
  runtime.pyNeg = pyNeg;
  const unary = (sign: number) =>
    function (this: any, node: any, frame: unknown): void {
      this._emit('runtime.pyNeg(');
      this.compile(node.target, frame);
      this._emit(`, ${sign})`);
    };
  proto.compileNeg = unary(-1);
  proto.compilePos = unary(1);
}
