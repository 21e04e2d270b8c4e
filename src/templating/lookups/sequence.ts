// sequence: numbers as formatted strings, from `start=1 end=5 stride=1 format=%d` or the
// shortcut `[start-]end[/stride][:format]` (with_sequence).
import { parseKeyValues } from './key-values.js';
import { LookupError, type LookupRun } from './types.js';

const NUM = '(0?x?[0-9a-f]+)';
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'i');

/** Python's int(s, 0): decimal, 0x hex, 0o/0 octal, 0b binary. */
function pyInt(name: string, raw: string): number {
  const s = raw.trim().toLowerCase().replace(/_/g, '');
  const m = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|0|[1-9][0-9]*)$/.exec(s);
  if (!m) throw new LookupError(`can't parse ${name}=${raw} as integer`);
  const body = m[2]!;
  const n = body.startsWith('0o') ? parseInt(body.slice(2), 8) : body.startsWith('0b') ? parseInt(body.slice(2), 2) : Number(body);
  return m[1] === '-' ? -n : n;
}

/** printf-style formatting of one integer, as Python's `format % i`. */
function printf(format: string, i: number): string {
  const m = /%([-+ 0#]*)(\d*)(?:\.(\d+))?([diouxXeEfFgGcrs%])/.exec(format);
  if (!m) throw new LookupError(`problem formatting ${i} with '${format}'`);
  const [whole, flags, widthText, precision, conv] = m as unknown as [string, string, string, string | undefined, string];
  let body: string;
  const abs = Math.abs(i);
  switch (conv) {
    case 'x': body = abs.toString(16); if (flags.includes('#')) body = `0x${body}`; break;
    case 'X': body = abs.toString(16).toUpperCase(); if (flags.includes('#')) body = `0X${body}`; break;
    case 'o': body = abs.toString(8); if (flags.includes('#')) body = `0o${body}`; break;
    case 'f': case 'F': body = abs.toFixed(precision === undefined ? 6 : Number(precision)); break;
    case 'c': body = String.fromCodePoint(i); break;
    default: body = String(abs);
  }
  if (precision !== undefined && 'diuxXo'.includes(conv)) body = body.padStart(Number(precision), '0');
  const sign = i < 0 && conv !== 'c' ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const width = Number(widthText || 0);
  let out = sign + body;
  if (out.length < width) {
    if (flags.includes('-')) out = out.padEnd(width);
    else if (flags.includes('0')) out = sign + body.padStart(width - sign.length, '0');
    else out = out.padStart(width);
  }
  return format.replace(whole, out).replace('%%', '%');
}

interface Spec { start: number; end?: number; count?: number; stride: number; format: string }

function parseTerm(term: string): Spec {
  const spec: Spec = { start: 1, stride: 1, format: '%d' };
  const m = SHORTCUT.exec(term);
  if (m) {
    if (m[2] !== undefined) spec.start = pyInt('start', m[2]);
    spec.end = pyInt('end', m[3]!);
    if (m[5] !== undefined) spec.stride = pyInt('stride', m[5]);
    if (m[7] !== undefined) spec.format = m[7];
    return spec;
  }
  const kv = parseKeyValues(term);
  for (const k of ['start', 'end', 'count', 'stride'] as const) {
    if (kv[k] === undefined) continue;
    spec[k] = pyInt(k, kv[k]!);
    delete kv[k];
  }
  if (kv.format !== undefined) {
    spec.format = kv.format;
    delete kv.format;
  }
  const rest = Object.keys(kv);
  if (rest.length) throw new LookupError(`unrecognized arguments to with_sequence: [${rest.map((k) => `'${k}'`).join(', ')}]`);
  return spec;
}

function generate(spec: Spec): string[] {
  let { start, end, stride } = spec;
  if (spec.count === undefined && end === undefined) throw new LookupError('must specify count or end in with_sequence');
  if (spec.count !== undefined && end !== undefined) throw new LookupError("can't specify both count and end in with_sequence");
  if (spec.count !== undefined) {
    if (spec.count !== 0) end = start + spec.count * stride - 1;
    else start = end = stride = 0;
  }
  if (stride > 0 && end! < start) throw new LookupError('to count backwards make stride negative');
  if (stride < 0 && end! > start) throw new LookupError("to count forward don't make stride negative");
  if ((spec.format.match(/%/g) ?? []).length !== 1) throw new LookupError(`bad formatting string: ${spec.format}`);
  if (stride === 0) return [];
  const out: string[] = [];
  const stop = end! + (stride >= 0 ? 1 : -1);
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) out.push(printf(spec.format, i));
  return out;
}

/** Each term is one sequence; their items are concatenated. Keyword options are ignored, as in Ansible 2.14. */
export const sequence: LookupRun = (terms) => terms.flatMap((t) => generate(parseTerm(String(t))));
