import { decodeUint32, encodeUint32, UINT32_CHARS } from './base62.js';

/*
 * The public checksum at the end of every key minted since prefixes became configurable: CRC-32
 * (IEEE 802.3, zlib's and GitHub's tokens') of everything before it, in UINT32_CHARS base62
 * digits. Anyone can check it without a secret, so secret scanners tell a real key from a random
 * string of the same shape, and a mistyped key is refused before any other work.
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** CRC-32 of the characters of `text` before `end` taken as bytes (ASCII keys: the same as over their UTF-8). */
export function crc32(text: string, end = text.length): number {
  let c = -1;
  for (let i = 0; i < end; i++) c = TABLE[(c ^ text.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** `text` followed by its checksum. */
export function withChecksum(text: string): string {
  return text + encodeUint32(crc32(text));
}

/** Whether `presented` ends with the checksum of what comes before it. */
export function checksumMatches(presented: string): boolean {
  const end = presented.length - UINT32_CHARS;
  return end > 0 && decodeUint32(presented, end) === crc32(presented, end);
}

export { UINT32_CHARS as CHECKSUM_CHARS };
