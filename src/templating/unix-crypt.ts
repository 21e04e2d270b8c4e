// crypt(3)'s SHA-256/SHA-512 ("$5$", "$6$", Drepper's specification) and MD5 ("$1$") schemes,
// as libxcrypt computes them, for the password_hash filter. Written here on node:crypto: the
// maintained npm candidate (unixcrypt 3.0.4) hashes a password of exactly 64 bytes wrongly.
import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt's base-64 of 24 bits (least significant 6 bits first), n characters. */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function digest(alg: string, ...parts: Buffer[]): Buffer {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** `len` bytes of `block` repeated. */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = block[i % block.length]!;
  return out;
}

// the byte triples of the final digest in output order, per scheme
const SHA512_ORDER = [[0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41]];
const SHA256_ORDER = [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]];

/** SHA-crypt: `$5$`/`$6$[rounds=N$]salt$hash`; rounds outside 1000..999999999 is null (crypt's failure). */
export function shaCrypt(kind: 'sha256' | 'sha512', password: string, saltText: string, rounds?: number): string | null {
  if (rounds !== undefined && (!Number.isInteger(rounds) || rounds < 1000 || rounds > 999_999_999)) return null;
  const n = rounds ?? 5000;
  const size = kind === 'sha512' ? 64 : 32;
  const key = Buffer.from(password, 'utf8');
  const salt = Buffer.from(saltText.slice(0, 16), 'utf8');
  const b = digest(kind, key, salt, key);
  const a = createHash(kind).update(key).update(salt);
  let cnt = key.length;
  for (; cnt > size; cnt -= size) a.update(b);
  a.update(b.subarray(0, cnt));
  for (cnt = key.length; cnt > 0; cnt >>= 1) a.update(cnt & 1 ? b : key);
  let result = a.digest();
  const dp = digest(kind, ...Array<Buffer>(key.length).fill(key));
  const p = repeatTo(dp, key.length);
  const ds = digest(kind, ...Array<Buffer>(16 + result[0]!).fill(salt));
  const s = repeatTo(ds, salt.length);
  for (let i = 0; i < n; i++) {
    const c = createHash(kind);
    c.update(i & 1 ? p : result);
    if (i % 3) c.update(s);
    if (i % 7) c.update(p);
    c.update(i & 1 ? result : p);
    result = c.digest();
  }
  let out = '';
  for (const [x, y, z] of kind === 'sha512' ? SHA512_ORDER : SHA256_ORDER) out += b64From24(result[x!]!, result[y!]!, result[z!]!, 4);
  out += kind === 'sha512' ? b64From24(0, 0, result[63]!, 2) : b64From24(0, result[31]!, result[30]!, 3);
  const id = kind === 'sha512' ? '6' : '5';
  return `$${id}$${rounds !== undefined ? `rounds=${n}$` : ''}${salt.toString('utf8')}$${out}`;
}

/** MD5-crypt: `$1$salt$hash`, the salt being at most 8 characters before any `$`. */
export function md5Crypt(password: string, saltText: string): string {
  const key = Buffer.from(password, 'utf8');
  const salt = Buffer.from(saltText.split('$')[0]!.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  let final = digest('md5', key, salt, key);
  const ctx = createHash('md5').update(key).update(magic).update(salt);
  for (let pl = key.length; pl > 0; pl -= 16) ctx.update(final.subarray(0, Math.min(pl, 16)));
  for (let i = key.length; i; i >>= 1) ctx.update(i & 1 ? Buffer.alloc(1) : key.subarray(0, 1));
  final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? key : final);
    if (i % 3) c.update(salt);
    if (i % 7) c.update(key);
    c.update(i & 1 ? final : key);
    final = c.digest();
  }
  const f = final;
  const out = b64From24(f[0]!, f[6]!, f[12]!, 4) + b64From24(f[1]!, f[7]!, f[13]!, 4) + b64From24(f[2]!, f[8]!, f[14]!, 4) + b64From24(f[3]!, f[9]!, f[15]!, 4) + b64From24(f[4]!, f[10]!, f[5]!, 4) + b64From24(0, 0, f[11]!, 2);
  return `$1$${salt.toString('utf8')}$${out}`;
}
