const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** character code → digit value, -1 outside the alphabet */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const BASE = 62n;

/*
 * Decoding works on 24-bit limbs held in doubles, four digits at a time: a limb times 62^4
 * (< 2^24) plus a carry stays below 2^53, so every step is exact integer arithmetic on plain
 * Numbers. No BigInt and no allocation besides the result: forged keys pay this decode, so it is
 * on the path a flood of them takes.
 */
const LIMB = 0x1000000;
const INVERSE_LIMB = 1 / LIMB;
const DIGITS_PER_STEP = 4;
/** 62^0 … 62^4 */
const POW = [1, 62, 62 ** 2, 62 ** 3, 62 ** 4];
let limbs = new Float64Array(32);

/** Characters needed to write any `bytes`-long value in base62. */
export function base62Width(bytes: number): number {
  return Math.ceil((bytes * 8) / Math.log2(62));
}

/** Fixed-width base62 of a byte string (big-endian, left-padded with `0`). Minting only: not on a request path. */
export function encodeBase62(bytes: Uint8Array): string {
  let n = bytes.length ? BigInt(`0x${Buffer.from(bytes).toString('hex')}`) : 0n;
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % BASE)] + out;
    n /= BASE;
  }
  return out.padStart(base62Width(bytes.length), '0');
}

/**
 * Decodes a fixed-width base62 string (`text.slice(from, to)`) back into exactly `bytes` bytes;
 * null when a character is outside the alphabet or the value does not fit (so every accepted
 * string has one decoding).
 */
export function decodeBase62(text: string, bytes: number, from = 0, to = text.length): Buffer | null {
  const length = to - from;
  if (length !== base62Width(bytes)) return null;
  const count = Math.ceil(bytes / 3);
  if (limbs.length < count) limbs = new Float64Array(count);
  limbs.fill(0, 0, count);
  // limbs above `used` are still zero: each step touches only those in use, plus one
  let used = 0;
  // the first step takes the remainder, so every later one is a full DIGITS_PER_STEP digits
  for (let start = from, end = from + (length % DIGITS_PER_STEP || DIGITS_PER_STEP); start < to; start = end, end += DIGITS_PER_STEP) {
    let carry = 0;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      const v = code < 128 ? VALUE[code] : -1;
      if (v < 0) return null;
      carry = carry * 62 + v;
    }
    const factor = POW[end - start];
    for (let i = 0; i < used; i++) {
      const t = limbs[i] * factor + carry;
      carry = Math.floor(t * INVERSE_LIMB);
      limbs[i] = t - carry * LIMB;
    }
    // the carry (< 2^24 · 2) spills into at most two fresh limbs
    while (carry !== 0) {
      if (used === count) return null;
      const next = Math.floor(carry * INVERSE_LIMB);
      limbs[used++] = carry - next * LIMB;
      carry = next;
    }
  }
  const out = Buffer.allocUnsafe(bytes);
  for (let b = 0; b < count * 3; b++) {
    const v = (limbs[(b / 3) | 0] >>> ((b % 3) * 8)) & 0xff;
    const at = bytes - 1 - b;
    if (at >= 0) out[at] = v;
    else if (v !== 0) return null;
  }
  return out;
}

/** Characters of a fixed-width base62 32-bit number (a checksum). */
export const UINT32_CHARS = base62Width(4);

/** A 32-bit unsigned number in base62, left-padded to UINT32_CHARS. */
export function encodeUint32(value: number): string {
  let out = '';
  for (let n = value >>> 0, i = 0; i < UINT32_CHARS; i++, n = Math.floor(n / 62)) out = ALPHABET[n % 62] + out;
  return out;
}

/** The value of `text.slice(from, from + UINT32_CHARS)` in base62, or -1 when a character is outside the alphabet. */
export function decodeUint32(text: string, from: number): number {
  let n = 0;
  for (let i = from; i < from + UINT32_CHARS; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? VALUE[code] : -1;
    if (v < 0) return -1;
    n = n * 62 + v;
  }
  return n;
}
