// Ansible's password_hash filter as ansible-core 2.14 computes it through Python's crypt
// (utils/encrypt.py CryptHash): md5, sha256 and sha512 crypt with Ansible's salt and rounds
// rules. bcrypt/blowfish is refused: without passlib Ansible hands crypt a setting it cannot
// parse and returns the string '*0' (a locked account, silently); with passlib it gives a
// real hash. Drover will not write either guess into a shadow file.
import { randomInt } from 'node:crypto';
import { TemplateError } from '../cli/errors.js';
import { pyTypeName } from './python-compare.js';
import { isPyNumber, numberOf } from './python-float.js';
import { md5Crypt, shaCrypt } from './unix-crypt.js';

const SALT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';

// Ansible's BaseHash.algorithms (bcrypt left out: refused above)
const ALGORITHMS: Record<string, { id: string; saltSize: number; implicitRounds?: number }> = {
  md5_crypt: { id: '1', saltSize: 8 },
  sha256_crypt: { id: '5', saltSize: 16, implicitRounds: 535000 },
  sha512_crypt: { id: '6', saltSize: 16, implicitRounds: 656000 },
};
const ALIASES: Record<string, string> = { md5: 'md5_crypt', blowfish: 'bcrypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt' };

function isText(v: unknown): v is string {
  return typeof v === 'string' || v instanceof String;
}

/** Python truthiness of the optional arguments (`salt or random_salt()`, `if rounds:`). */
function given(v: unknown): boolean {
  return !(v === undefined || v === null || v === false || v === '' || (isPyNumber(v) && Number(v) === 0));
}

function randomSalt(length: unknown): string {
  const n = numberOf(length);
  if (n === undefined || !Number.isInteger(n)) throw new TemplateError(`'${pyTypeName(length)}' object cannot be interpreted as an integer`);
  let out = '';
  for (let i = 0; i < n; i++) out += SALT_CHARS[randomInt(SALT_CHARS.length)];
  return out;
}

/** `secret | password_hash(hashtype='sha512', salt=None, salt_size=None, rounds=None, ident=None)`. */
export function passwordHash(secret: unknown, hashtype: unknown = 'sha512', salt?: unknown, saltSize?: unknown, rounds?: unknown, ident?: unknown): string {
  const name = ALIASES[String(hashtype)] ?? String(hashtype);
  if (name === 'bcrypt') {
    throw new TemplateError(`password_hash('${String(hashtype)}') is not supported by Drover: ansible-core without passlib returns '*0' (an unusable hash) for it; use sha512`);
  }
  const algo = ALGORITHMS[name];
  if (!algo) throw new TemplateError(`crypt.crypt does not support '${name}' algorithm`);
  // CryptHash._salt
  const size = given(saltSize) ? saltSize : algo.saltSize;
  const saltText = given(salt) ? salt : randomSalt(size);
  if (!isText(saltText)) throw new TemplateError(`expected string or bytes-like object, got '${pyTypeName(saltText)}'`);
  if (/[^./0-9A-Za-z]/.test(String(saltText))) throw new TemplateError('invalid characters in salt');
  // the size check is against the scheme's own size, whatever salt_size asked for
  if (String(saltText).length > algo.saltSize) throw new TemplateError('invalid salt size');
  // CryptHash._rounds: Ansible's implicit default is left out, so crypt uses its own (5000)
  let roundsValue: number | undefined;
  if (given(rounds) && rounds !== algo.implicitRounds) {
    const r = numberOf(rounds);
    if (r === undefined) throw new TemplateError(`%d format: a real number is required, not ${pyTypeName(rounds)}`);
    roundsValue = Math.trunc(r);
  }
  if (!isText(secret)) throw new TemplateError(`crypt() argument 1 must be str, not ${pyTypeName(secret)}`);
  // CryptHash._ident: an ident on a non-bcrypt scheme drops the "$id" and crypt cannot parse the rest
  const result = given(ident) ? null : algo.id === '1' ? md5Crypt(String(secret), roundsValue !== undefined ? `rounds=${roundsValue}` : String(saltText)) : shaCrypt(algo.id === '6' ? 'sha512' : 'sha256', String(secret), String(saltText), roundsValue);
  if (result === null) throw new TemplateError(`crypt.crypt failed for '${name}' with these settings (ansible-core with libxcrypt returns the unusable hash '*0'); Drover refuses`);
  return result;
}

/** The filter, by name. */
export const PASSWORD_HASH_FILTERS = { password_hash: passwordHash };

/** Its keyword parameters after the value, in Ansible's order. */
export const PASSWORD_HASH_PARAMS: Record<string, string[]> = { password_hash: ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'] };
