// Kubernetes resource quantities ("500m", "1Gi", 0.5, "1e3"): what an API server stores is
// the canonical form of what it was sent (`cpu: 0.5` comes back as "500m"), so comparing a
// manifest with the server's object must compare quantities by value, not by spelling.

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])?)$/;

/** A parsed quantity: its value and whether it was written with a binary (Ki, Mi...) suffix. */
export interface Quantity {
  value: number;
  binary: boolean;
}

/** Parse a quantity given as a number or a string; undefined when it is not one. */
export function parseQuantity(q: unknown): Quantity | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? { value: q, binary: false } : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return { value: n * 10 ** Number(m[2].slice(1)), binary: false };
  if (m[3]) return { value: n * 2 ** BINARY[m[3]]!, binary: true };
  return { value: n * 10 ** DECIMAL[m[4] ?? '']!, binary: false };
}

/** Do two spellings denote the same quantity ("500m" and 0.5)? False unless both are quantities. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (!x || !y) return false;
  return Math.abs(x.value - y.value) <= 1e-9 * Math.max(1, Math.abs(x.value), Math.abs(y.value));
}

/** The canonical string an API server stores: the largest suffix of the input's kind that keeps the number whole. */
export function canonicalQuantity(q: unknown): string | undefined {
  const p = parseQuantity(q);
  if (!p) return undefined;
  if (p.binary && Number.isInteger(p.value)) {
    for (const [suffix, exp] of Object.entries(BINARY).reverse()) if (p.value % 2 ** exp === 0 && p.value !== 0) return `${p.value / 2 ** exp}${suffix}`;
    return String(p.value);
  }
  // decimal: the largest power of 1000 that leaves an integer mantissa (nano is the floor)
  const nanos = Math.round(p.value * 1e9);
  if (nanos === 0) return '0';
  for (const [suffix, exp] of Object.entries(DECIMAL).sort((a, b) => b[1] - a[1])) {
    const unit = 10 ** (exp + 9);
    if (unit >= 1 && Number.isInteger(nanos / unit) && Math.abs(nanos) >= unit) return `${nanos / unit}${suffix}`;
  }
  return `${nanos}n`;
}
