const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, BigInt(i)]));
const BASE = 62n;

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
 */
export function decodeBase62(text: string, bytes: number): Buffer | null {
  if (text.length !== base62Width(bytes)) return null;
  let n = 0n;
  for (const c of text) {
    const v = VALUE.get(c);
    if (v === undefined) return null;
    n = n * BASE + v;
  }
  const hex = n.toString(16);
  if (hex.length > bytes * 2) return null;
  return Buffer.from(hex.padStart(bytes * 2, '0'), 'hex');
}
