import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../secrets.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { base62Width, decodeBase62, encodeBase62 } from './base62.js';

/*
 * Key layout: `ak_<env>_<base62(random ‖ id ‖ tag)>`, fixed width.
 * - random: 30 bytes from the CSPRNG. It leads, so `start` (the first characters) comes from it and
 *   differs between keys; `start` shows at most ~36 bits, leaving > 200 unknown.
 * - id: the 130-bit value of the 26 Crockford characters of `key_…`, in 17 bytes, so the store
 *   lookup needs no index on anything secret.
 * - tag: HMAC-SHA-256 (key `api-key-tag`) over env ‖ id ‖ random, truncated to 128 bits: a forged
 *   or mistyped key is refused before any store read.
 */
const RANDOM_BYTES = 30;
const ID_BYTES = 17;
const TAG_BYTES = 16;
const BODY_BYTES = RANDOM_BYTES + ID_BYTES + TAG_BYTES;
const BODY_CHARS = base62Width(BODY_BYTES);
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_PATTERN = /^key_[0-9a-hjkmnp-tv-z]{26}$/;
/** `ak_live_` and `ak_test_` are both this long */
const PREFIX_LENGTH = 8;
const KEY_LENGTH = PREFIX_LENGTH + BODY_CHARS;

/** Longest input `parseApiKey` even looks at; anything longer is malformed without work. */
export const MAX_PRESENTED_LENGTH = 200;
/** Characters of the body kept as `start`. */
export const START_LENGTH = 6;

export interface GeneratedApiKey {
  /** the plaintext key: shown once, never stored */
  key: string;
  /** first characters after `ak_<env>_`, for recognition */
  start: string;
  /** keyed digest of the whole key, the only thing the store keeps */
  digest: string;
}

export type ParsedApiKey =
  | { ok: true; id: string; environment: KeyEnvironment }
  | { ok: false; code: 'malformed' | 'bad_tag' };

function idToBytes(id: string): Buffer {
  let n = 0n;
  for (const c of id.slice(4)) n = n * 32n + BigInt(CROCKFORD.indexOf(c));
  return Buffer.from(n.toString(16).padStart(ID_BYTES * 2, '0'), 'hex');
}

/** The 26 Crockford characters of the low 130 bits of `bytes` (big-endian, ID_BYTES long), five bits at a time. */
function bytesToId(bytes: Uint8Array, offset: number): string {
  let out = 'key_';
  for (let k = 25; k >= 0; k--) {
    const bit = 5 * k;
    const at = offset + ID_BYTES - 1 - (bit >> 3);
    const shift = bit & 7;
    let v = bytes[at] >> shift;
    if (shift > 3) v |= bytes[at - 1] << (8 - shift);
    out += CROCKFORD[v & 31];
  }
  return out;
}

/*
 * The tag is HMAC-SHA-256 (RFC 2104) computed with two one-shot hashes over the padded key:
 * byte for byte what `createHmac` gives (the unit tests compare them), without an Hmac object
 * per call, whose native handle every forged key would otherwise leave to the garbage collector.
 */
const BLOCK = 64;
const MESSAGE_BYTES = 5 + ID_BYTES + RANDOM_BYTES;
/** per derived key: key ⊕ ipad and key ⊕ opad, one block each */
const pads = new WeakMap<Buffer, { inner: Buffer; outer: Buffer }>();
// scratch space reused by every call: the computation is synchronous
const innerInput = Buffer.alloc(BLOCK + MESSAGE_BYTES);
const outerInput = Buffer.alloc(BLOCK + 32);

function padsOf(key: Buffer): { inner: Buffer; outer: Buffer } {
  let p = pads.get(key);
  if (!p) {
    if (key.length > BLOCK) throw new Error('HMAC keys longer than one block are not supported here');
    p = { inner: Buffer.alloc(BLOCK, 0x36), outer: Buffer.alloc(BLOCK, 0x5c) };
    for (let i = 0; i < key.length; i++) {
      p.inner[i] ^= key[i];
      p.outer[i] ^= key[i];
    }
    pads.set(key, p);
  }
  return p;
}

/**
 * HMAC-SHA-256 (key `api-key-tag`) over env ‖ NUL ‖ id ‖ random, as a latin1 string of 32 chars
 * (the tag is its first TAG_BYTES). `body` holds random ‖ id from `offset` on.
 */
function tagOf(secrets: Secrets, environment: KeyEnvironment, body: Uint8Array, offset: number): string {
  const { inner, outer } = padsOf(secrets.key('api-key-tag'));
  innerInput.set(inner, 0);
  innerInput.write(environment === 'live' ? 'live\0' : 'test\0', BLOCK, 'latin1');
  innerInput.set(body.subarray(offset + RANDOM_BYTES, offset + RANDOM_BYTES + ID_BYTES), BLOCK + 5);
  innerInput.set(body.subarray(offset, offset + RANDOM_BYTES), BLOCK + 5 + ID_BYTES);
  outerInput.set(outer, 0);
  // 'binary' (latin1) strings: a one-shot hash's Buffer output is several times slower here
  outerInput.write(hash('sha256', innerInput, 'binary'), BLOCK, 'latin1');
  return hash('sha256', outerInput, 'binary');
}

/** Whether the TAG_BYTES at `bytes[offset…]` equal the first TAG_BYTES chars of `tag`, in constant time. */
function tagMatches(bytes: Uint8Array, offset: number, tag: string): boolean {
  let diff = 0;
  for (let i = 0; i < TAG_BYTES; i++) diff |= bytes[offset + i] ^ tag.charCodeAt(i);
  return diff === 0;
}

/** Whether a presented credential is meant as an API key (as opposed to a JWT). */
export function looksLikeApiKey(presented: string): boolean {
  return presented.startsWith('ak_');
}

/**
 * Mints a new key for the key id `id` (from `newId('key')`).
 * @throws when `id` is not a key id (a bug in the caller)
 */
export function generateApiKey(secrets: Secrets, environment: KeyEnvironment, id: string): GeneratedApiKey {
  if (!ID_PATTERN.test(id)) throw new Error(`not an API key id: ${id}`);
  if (environment !== 'live' && environment !== 'test') throw new Error(`not a key environment: ${String(environment)}`);
  const head = Buffer.concat([randomBytes(RANDOM_BYTES), idToBytes(id)]);
  const tag = Buffer.from(tagOf(secrets, environment, head, 0).slice(0, TAG_BYTES), 'latin1');
  const body = encodeBase62(Buffer.concat([head, tag]));
  const key = `ak_${environment}_${body}`;
  return { key, start: body.slice(0, START_LENGTH), digest: digestApiKey(secrets, key) };
}

/**
 * Checks a presented key's shape and integrity tag and recovers its id and environment. Pure: no
 * store read, so forged keys cost one HMAC. A valid result still has to be looked up (by id) and
 * its digest compared, because the tag only proves that this deployment minted the key.
 */
export function parseApiKey(secrets: Secrets, presented: string): ParsedApiKey {
  if (typeof presented !== 'string' || presented.length !== KEY_LENGTH || !presented.startsWith('ak_')) return MALFORMED;
  const environment = presented.startsWith('live_', 3) ? 'live' : presented.startsWith('test_', 3) ? 'test' : null;
  if (!environment) return MALFORMED;
  const bytes = decodeBase62(presented, BODY_BYTES, PREFIX_LENGTH);
  if (!bytes) return MALFORMED;
  if (!tagMatches(bytes, RANDOM_BYTES + ID_BYTES, tagOf(secrets, environment, bytes, 0))) return BAD_TAG;
  return { ok: true, id: bytesToId(bytes, RANDOM_BYTES), environment };
}

// refusals are values shared by every call: a flood of forged keys allocates nothing for them
const MALFORMED: ParsedApiKey = Object.freeze({ ok: false, code: 'malformed' });
const BAD_TAG: ParsedApiKey = Object.freeze({ ok: false, code: 'bad_tag' });

/** HMAC-SHA-256 of the whole presented key with the `api-key-digest` key, base64url. */
export function digestApiKey(secrets: Secrets, presented: string): string {
  return createHmac('sha256', secrets.key('api-key-digest')).update(presented).digest('base64url');
}

/** Constant-time comparison of two digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
