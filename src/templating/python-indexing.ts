// Python's indexing and slicing for templates: `xs[-1]`, `s[::-1]`, `xs[:2]`. nunjucks
// looks up -1 as a property name, and its slice helper returns lists for strings.
import { TemplateError } from '../cli/errors.js';

function items(obj: string | unknown[]): unknown[] {
  return typeof obj === 'string' ? [...obj] : obj;
}

/** True for what Python indexes by position (list, str). */
export function isPositional(obj: unknown): obj is string | unknown[] {
  return typeof obj === 'string' || Array.isArray(obj);
}

/** obj[i] with Python's negative indexes; undefined when out of range. */
export function pyIndex(obj: string | unknown[], i: number): unknown {
  const xs = items(obj);
  const at = i < 0 ? i + xs.length : i;
  return at >= 0 && at < xs.length ? xs[at] : undefined;
}

function adjust(v: number | null | undefined, n: number, step: number, dflt: number): number {
  if (v === null || v === undefined) return dflt;
  if (v < 0) {
    v += n;
    if (v < 0) return step < 0 ? -1 : 0;
  } else if (v >= n) return step < 0 ? n - 1 : n;
  return v;
}

/** obj[start:stop:step] as Python computes it (slice.indices); a str slice is a str. */
export function pySlice(obj: unknown, start: number | null, stop: number | null, step: number | null): unknown {
  if (obj === null || obj === undefined) throw new TemplateError("'NoneType' object is not subscriptable");
  if (!isPositional(obj)) throw new TemplateError(`'${typeof obj === 'object' ? 'dict' : typeof obj}' object cannot be sliced`);
  const s = step ?? 1;
  if (s === 0) throw new TemplateError('slice step cannot be zero');
  const xs = items(obj);
  const n = xs.length;
  const from = adjust(start, n, s, s < 0 ? n - 1 : 0);
  const to = adjust(stop, n, s, s < 0 ? -1 : n);
  const out: unknown[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(xs[i]);
  return typeof obj === 'string' ? out.join('') : out;
}
