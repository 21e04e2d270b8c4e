// password: a random password kept in a controller file, created once (0600, atomically) and
// read back on later runs. Its value is a secret: it is masked in every output.
import { createHash, randomInt } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseKeyValues } from './key-values.js';
import { baseDir } from './search-path.js';
import { LookupError, type LookupRun } from './types.js';

const VALID = ['length', 'encrypt', 'chars', 'ident', 'seed'];

/** Python's `string` module constants a `chars=` spec may name. */
const CHAR_SETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  whitespace: ' \t\n\r\x0b\x0c',
};
CHAR_SETS.printable = CHAR_SETS.digits! + CHAR_SETS.ascii_letters + CHAR_SETS.punctuation + CHAR_SETS.whitespace;

/** The candidate characters of a `chars` spec (names of sets or literal text); quotes are never used. */
export function candidateChars(spec: string[]): string {
  return spec.map((s) => CHAR_SETS[s] ?? s).join('').replace(/["']/g, '');
}

function parseTerm(term: string, options: Record<string, unknown>): { path: string; length: number; chars: string; seed?: string; encrypt?: unknown } {
  const space = term.indexOf(' ');
  let path = space < 0 ? term : term.slice(0, space);
  const params: Record<string, unknown> = space < 0 ? {} : parseKeyValues(term.slice(space + 1));
  if (params._raw_params !== undefined) {
    path = `${path} ${String(params._raw_params)}`;
    delete params._raw_params;
    if (!term.startsWith(path)) throw new LookupError('Unrecognized value after key=value parameters given to password lookup');
  }
  const bad = Object.keys(params).filter((k) => !VALID.includes(k));
  if (bad.length) throw new LookupError(`Unrecognized parameter(s) given to password lookup: ${bad.join(', ')}`);
  const pick = (k: string, dflt: unknown) => params[k] ?? options[k] ?? dflt;
  let chars = pick('chars', ['ascii_letters', 'digits', '.,:-_']);
  if (typeof chars === 'string') chars = [...(chars.includes(',,') ? [','] : []), ...chars.replace(/,,/g, ',').split(',').filter(Boolean)];
  const length = Number(pick('length', 20));
  if (!Number.isInteger(length)) throw new LookupError(`invalid literal for int() with base 10: '${String(pick('length', 20))}'`);
  const seed = pick('seed', undefined);
  return { path, length, chars: candidateChars((chars as unknown[]).map(String)), seed: seed === undefined || seed === null ? undefined : String(seed), encrypt: pick('encrypt', undefined) };
}

/** `length` characters of `chars`; with a seed, the same every time (not Python's sequence: see README). */
function generate(length: number, chars: string, seed?: string): string {
  if (!chars.length) throw new LookupError('no characters to choose a password from (chars is empty)');
  let out = '';
  for (let i = 0; i < length; i++) {
    if (seed === undefined) out += chars[randomInt(chars.length)];
    else out += chars[createHash('sha256').update(`${seed}\0${i}`).digest().readUInt32BE(0) % chars.length];
  }
  return out;
}

/** The password stored in `path`, or a new one written there first (0600 in a 0700 directory, never half-written). */
function readOrCreate(path: string, make: () => string): string {
  if (path === '/dev/null') return make();
  const read = () => readFileSync(path, 'utf8').trimEnd().replace(/ salt=.*$/s, '');
  if (existsSync(path)) return read();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link fails if another run created the file first: then its password is the one
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return read();
}

/** Each term is `path [length=N] [chars=...] [seed=...]`; encrypt= is refused (Drover does not hash). */
export const password: LookupRun = (terms, options, ctx) => {
  for (const k of Object.keys(options)) if (!VALID.includes(k)) throw new LookupError(`Unrecognized option for the password lookup: ${k}`);
  return terms.map((t) => {
    const p = parseTerm(String(t), options);
    if (p.encrypt !== undefined && p.encrypt !== null && p.encrypt !== false) throw new LookupError("the password lookup's encrypt= is not supported by Drover; hash the value with the password_hash filter instead");
    const path = isAbsolute(p.path) ? p.path : resolve(baseDir(ctx.vars), p.path);
    const value = readOrCreate(path, () => generate(p.length, p.chars, p.seed));
    ctx.onSecret?.(value);
    return value;
  });
};
