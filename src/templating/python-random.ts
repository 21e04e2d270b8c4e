// Python's random.Random(seed): the MT19937 generator seeded as CPython seeds it (an int's
// 32-bit words, a str hashed with sha512 as in seed version 2, a float by its hash), with
// _randbelow, choice, shuffle and randrange on top, so `59 | random(seed=inventory_hostname)`
// and `shuffle(seed=...)` give the numbers Ansible gives. Unseeded callers use crypto instead.
import { createHash, randomInt } from 'node:crypto';
import { TemplateError } from '../cli/errors.js';
import { isPyFloat } from './python-float.js';

const N = 624;
const M = 397;

/** A seeded Mersenne Twister, bit for bit CPython's _random.Random. */
export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: unknown) {
    this.initByArray(seedWords(seed));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private genrandUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[(kk + 1) % N]! & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    return (y ^ (y >>> 18)) >>> 0;
  }

  /** random.getrandbits(k): k <= 32 from one word, more from little-endian words. */
  getrandbits(k: number): bigint {
    if (k <= 32) return k === 0 ? 0n : BigInt(this.genrandUint32() >>> (32 - k));
    let out = 0n;
    for (let shift = 0n; k > 0; k -= 32, shift += 32n) {
      let r = this.genrandUint32();
      if (k < 32) r >>>= 32 - k;
      out |= BigInt(r) << shift;
    }
    return out;
  }

  /** random._randbelow(n) for n > 0: rejection sampling on n.bit_length() bits. */
  randbelow(n: number): number {
    const big = BigInt(n);
    const k = big.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= big) r = this.getrandbits(k);
    return Number(r);
  }
}

/** The init_by_array key CPython derives from a seed (random_seed in _randommodule.c). */
function seedWords(seed: unknown): number[] {
  let n: bigint;
  if (typeof seed === 'boolean') n = seed ? 1n : 0n;
  else if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    n = BigInt(`0x${Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]).toString('hex')}`);
  } else if (typeof seed === 'number' || seed instanceof Number) {
    const v = Number(seed);
    if (!Number.isFinite(v)) throw new TemplateError(`cannot seed random with ${String(v)}`);
    n = isPyFloat(seed) ? pyFloatHash(v) : BigInt(Math.trunc(v));
  } else throw new TemplateError('The only supported seed types are: None, int, float, str, bytes, and bytearray.');
  if (n < 0n) n = -n;
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words.length ? words : [0];
}

const HASH_MODULUS = (1n << 61n) - 1n;

/** Python's hash() of a finite float (reduction modulo 2**61 - 1, as in pyhash.c). */
function pyFloatHash(v: number): bigint {
  if (Number.isInteger(v)) {
    const h = BigInt(v) % HASH_MODULUS;
    return h === -1n ? -2n : h;
  }
  const sign = v < 0 ? -1n : 1n;
  // v = mantissa * 2**exponent exactly, with an integer mantissa of at most 53 bits
  let m = Math.abs(v);
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  let x = BigInt(m) % HASH_MODULUS;
  // multiply by 2**e modulo 2**61 - 1: 2**61 is 1, so 2**-k is 2**(61 - k % 61)
  const shift = BigInt((((e % 61) + 61) % 61));
  x = (x << shift) % HASH_MODULUS;
  x *= sign;
  return x === -1n ? -2n : x;
}

/** A generator for Ansible's random/shuffle filters: Python's Random(seed), or the system's. */
export function pythonRandom(seed: unknown): { randbelow(n: number): number } {
  if (seed === null || seed === undefined) return { randbelow: (n) => randomInt(n) };
  return new PyRandom(seed);
}

/** random.shuffle(list) in place: Fisher-Yates from the end, as CPython. */
export function pyShuffle(list: unknown[], rng: { randbelow(n: number): number }): unknown[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.randbelow(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** random.randrange(start, stop, step) with Python 3.11's checks and messages. */
export function pyRandrange(rng: { randbelow(n: number): number }, start: number, stop: number, step: number): number {
  const width = stop - start;
  if (step === 1) {
    if (width > 0) return start + rng.randbelow(width);
    throw new TemplateError(`empty range for randrange() (${start}, ${stop}, ${width})`);
  }
  let n: number;
  if (step > 0) n = Math.floor((width + step - 1) / step);
  else if (step < 0) n = Math.floor((width + step + 1) / step);
  else throw new TemplateError('zero step for randrange()');
  if (n <= 0) throw new TemplateError('empty range for randrange()');
  return start + step * rng.randbelow(n);
}
