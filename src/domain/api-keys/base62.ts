const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** character code → digit value, -1 outside the alphabet */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const BASE = 62n;
/** digits read as one Number before touching BigInt: 62^8 < 2^53, so the chunk is exact */
const CHUNK = 8;
const CHUNK_BASE = BASE ** BigInt(CHUNK);

/** Characters needed to write any `bytes`-long value in base62. */
export function base62Width(bytes: number): number {
  return Math.ceil((bytes * 8) / Math.log2(62));
}

/** Fixed-width base62 of a byte string (big-endian, left-padded with `0`). */
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
 * Decodes a fixed-width base62 string back into exactly `bytes` bytes; null when a character is
 * outside the alphabet or the value does not fit (so every accepted string has one decoding).
 *
 * Digits are folded eight at a time into a Number and only the chunks into a BigInt: one BigInt
 * multiply-add per eight digits instead of per digit (forged keys always pay this decode).
 */
export function decodeBase62(text: string, bytes: number): Buffer | null {
  if (text.length !== base62Width(bytes)) return null;
  let n = 0n;
  // the first chunk takes the remainder, so every later one is a full CHUNK digits
  for (let start = 0, end = text.length % CHUNK || CHUNK; start < text.length; start = end, end += CHUNK) {
    let chunk = 0;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      const v = code < 128 ? VALUE[code] : -1;
      if (v < 0) return null;
      chunk = chunk * 62 + v;
    }
    n = start === 0 ? BigInt(chunk) : n * CHUNK_BASE + BigInt(chunk);
  }
  const hex = n.toString(16);
  if (hex.length > bytes * 2) return null;
  return Buffer.from(hex.padStart(bytes * 2, '0'), 'hex');
}
