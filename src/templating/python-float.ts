// Python's float in templates. JavaScript has one number type, so `4 / 2` and `2.0` were the
// integer 2 and printed `2` where Python prints `2.0`. A float that is not whole is a plain
// JavaScript number (1.5 can only be a float); a whole float is a boxed Number object
// (`new Number(2)`), which arithmetic still reads through valueOf() and structuredClone keeps.

/** A whole float as its boxed form (so it stays a float), any other number as it is. */
export function pyFloat(n: number): number {
  return Number.isInteger(n) ? (new Number(n) as number) : n;
}

/** True for a Python float: a boxed Number, or a number that is not whole (1.5, inf, nan). */
export function isPyFloat(v: unknown): boolean {
  return v instanceof Number || (typeof v === 'number' && !Number.isInteger(v));
}

/** True for any Python int or float (not bool): primitive numbers and boxed floats. */
export function isPyNumber(v: unknown): v is number {
  return typeof v === 'number' || v instanceof Number;
}

/** The plain number of an int, float or bool (Python's bool is an int); undefined otherwise. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof Number) return v.valueOf();
  if (typeof v === 'boolean') return Number(v);
  return undefined;
}

/** A value with boxed floats unwrapped, for code outside the templar that expects numbers. */
export function plainNumber(v: unknown): unknown {
  return v instanceof Number ? v.valueOf() : v;
}

/** Python's repr() of a float: `2.0`, `0.5`, `1e-06`, `1e+16`, `inf`, `nan`. */
export function pyFloatRepr(v: number): string {
  const n = v.valueOf();
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  // shortest round-trip digits, as both languages choose them; only the layout differs
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const digits = mantissa.replace('-', '').replace('.', '');
  const neg = n < 0 ? '-' : '';
  let text: string;
  if (exp < 0) text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length > exp + 1) text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else text = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return neg + text;
}

/** The result of an arithmetic operator: a float when either operand was one (Python's coercion). */
export function arithmeticResult(n: number, ...operands: unknown[]): number {
  return operands.some(isPyFloat) ? pyFloat(n) : n;
}
