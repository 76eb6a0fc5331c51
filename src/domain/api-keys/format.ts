import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MasterKey, Secrets } from '../secrets.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { base62Width, decodeBase62, encodeBase62 } from './base62.js';
import { CHECKSUM_CHARS, checksumMatches, withChecksum } from './checksum.js';

/*
 * Key layout: `<prefix>_<env>_<base62(random ‖ id ‖ secret id ‖ tag)><checksum>`, fixed width.
 * - prefix: `apiKeys.prefix` (default `ak`), 2–16 lower-case letters and digits. Cosmetic: any
 *   well-formed prefix parses (so changing the setting breaks no key), and the digest, taken over
 *   the whole key, ties a key to the prefix it was minted with.
 * - random: 30 bytes from the CSPRNG. It leads, so `start` (the first characters) comes from it and
 *   differs between keys; `start` shows at most ~36 bits, leaving > 200 unknown.
 * - id: the 130-bit value of the 26 Crockford characters of `key_…`, in 17 bytes, so the store
 *   lookup needs no index on anything secret.
 * - secret id: the public id of the master secret that minted the key (GATEHOUSE_SECRET may be
 *   rotated: the tag and digest are checked with that secret, one HMAC whatever the number of
 *   previous secrets).
 * - tag: HMAC-SHA-256 (key `api-key-tag`) over env ‖ NUL ‖ id ‖ random, truncated to 128 bits: a
 *   forged key is refused before any store read.
 * - checksum: CRC-32 of everything before it (checksum.ts), public: a mistyped key is refused
 *   before the tag is even computed, and secret scanners recognise keys offline.
 *
 * Keys minted before the checksum (`ak_<env>_<base62(random ‖ id ‖ tag)>`, "legacy") still parse;
 * their tag is tried with each configured secret.
 */
const RANDOM_BYTES = 30;
const ID_BYTES = 17;
const TAG_BYTES = 16;
const ID_AT = RANDOM_BYTES;
const LEGACY_TAG_AT = RANDOM_BYTES + ID_BYTES;
const SECRET_ID_AT = RANDOM_BYTES + ID_BYTES;
const TAG_AT = SECRET_ID_AT + 1;
const BODY_BYTES = TAG_AT + TAG_BYTES;
const BODY_CHARS = base62Width(BODY_BYTES);
const LEGACY_BODY_BYTES = LEGACY_TAG_AT + TAG_BYTES;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_PATTERN = /^key_[0-9a-hjkmnp-tv-z]{26}$/;
/** `ak_live_` and `ak_test_` are both this long */
const LEGACY_PREFIX_LENGTH = 8;
const LEGACY_KEY_LENGTH = LEGACY_PREFIX_LENGTH + base62Width(LEGACY_BODY_BYTES);
/** `_live_<body><checksum>`: everything after the prefix */
const TAIL_LENGTH = 6 + BODY_CHARS + CHECKSUM_CHARS;

/** What `apiKeys.prefix` may be. */
export const PREFIX_FORM = /^[a-z][a-z0-9]{1,15}$/;
export const DEFAULT_PREFIX = 'ak';
/** Longest input `parseApiKey` even looks at; anything longer is malformed without work. */
export const MAX_PRESENTED_LENGTH = 200;
/** Characters of the body kept as `start`. */
export const START_LENGTH = 6;

export interface GeneratedApiKey {
  /** the plaintext key: shown once, never stored */
  key: string;
  /** first characters after `<prefix>_<env>_`, for recognition */
  start: string;
  /** keyed digest of the whole key, the only thing the store keeps */
  digest: string;
}

export type ParsedApiKey =
  | { ok: true; id: string; environment: KeyEnvironment; /** the secret that minted it: its digest is checked with it too */ master: MasterKey }
  | { ok: false; code: 'malformed' | 'bad_tag' };

/**
 * The pattern of every key minted with `prefix`, for secret scanners (README): the checksum then
 * tells a key from a lookalike. Keys minted before checksums existed do not match it.
 */
export function apiKeyPattern(prefix = DEFAULT_PREFIX): RegExp {
  if (!PREFIX_FORM.test(prefix)) throw new Error(`not an API-key prefix: ${prefix}`);
  return new RegExp(`\\b${prefix}_(?:live|test)_[0-9A-Za-z]{${BODY_CHARS + CHECKSUM_CHARS}}\\b`);
}

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
 * HMAC-SHA-256 (key `api-key-tag` of `master`) over env ‖ NUL ‖ id ‖ random, as a latin1 string
 * of 32 chars (the tag is its first TAG_BYTES). `body` holds random ‖ id from `offset` on.
 */
function tagOf(master: MasterKey, environment: KeyEnvironment, body: Uint8Array, offset: number): string {
  const { inner, outer } = padsOf(master.key('api-key-tag'));
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

/**
 * Whether a presented credential is meant as an API key (as opposed to a JWT): `ak_…`, or
 * `<prefix>_live_…` / `<prefix>_test_…` at a current key's length.
 */
export function looksLikeApiKey(presented: string): boolean {
  if (presented.startsWith('ak_')) return true;
  const at = presented.length - TAIL_LENGTH;
  return at >= 2 && at <= 16 && (presented.startsWith('_live_', at) || presented.startsWith('_test_', at));
}

/**
 * Mints a new key for the key id `id` (from `newId('key')`) with the current secret.
 * @throws when `id` is not a key id or `prefix` not a prefix (a bug in the caller)
 */
export function generateApiKey(secrets: Secrets, environment: KeyEnvironment, id: string, prefix = DEFAULT_PREFIX): GeneratedApiKey {
  if (!ID_PATTERN.test(id)) throw new Error(`not an API key id: ${id}`);
  if (environment !== 'live' && environment !== 'test') throw new Error(`not a key environment: ${String(environment)}`);
  if (!PREFIX_FORM.test(prefix)) throw new Error(`not an API-key prefix: ${prefix}`);
  const master = secrets.current;
  const head = Buffer.concat([randomBytes(RANDOM_BYTES), idToBytes(id), Buffer.of(master.id)]);
  const tag = Buffer.from(tagOf(master, environment, head, 0).slice(0, TAG_BYTES), 'latin1');
  const body = encodeBase62(Buffer.concat([head, tag]));
  const key = withChecksum(`${prefix}_${environment}_${body}`);
  return { key, start: body.slice(0, START_LENGTH), digest: digestApiKey(master, key) };
}

/**
 * Checks a presented key's shape, checksum and integrity tag and recovers its id, environment and
 * the secret that minted it. Pure: no store read, so forged keys cost one HMAC (a wrong checksum
 * or an unknown secret id, none). A valid result still has to be looked up (by id) and its digest
 * compared, because the tag only proves that this deployment minted the key.
 */
export function parseApiKey(secrets: Secrets, presented: string): ParsedApiKey {
  if (typeof presented !== 'string') return MALFORMED;
  if (presented.length === LEGACY_KEY_LENGTH && presented.startsWith('ak_')) return parseLegacy(secrets, presented);
  const at = presented.length - TAIL_LENGTH;
  if (at < 2 || at > 16 || !checksumMatches(presented)) return MALFORMED;
  const environment = presented.startsWith('_live_', at) ? 'live' : presented.startsWith('_test_', at) ? 'test' : null;
  if (!environment || !isPrefix(presented, at)) return MALFORMED;
  const bytes = decodeBase62(presented, BODY_BYTES, at + 6, presented.length - CHECKSUM_CHARS);
  if (!bytes) return MALFORMED;
  for (const master of secrets.withId(bytes[SECRET_ID_AT])) {
    if (tagMatches(bytes, TAG_AT, tagOf(master, environment, bytes, 0))) return { ok: true, id: bytesToId(bytes, ID_AT), environment, master };
  }
  return BAD_TAG;
}

/** `ak_<env>_<base62(random ‖ id ‖ tag)>`: which secret minted it is not written, so each is tried. */
function parseLegacy(secrets: Secrets, presented: string): ParsedApiKey {
  const environment = presented.startsWith('live_', 3) ? 'live' : presented.startsWith('test_', 3) ? 'test' : null;
  if (!environment) return MALFORMED;
  const bytes = decodeBase62(presented, LEGACY_BODY_BYTES, LEGACY_PREFIX_LENGTH);
  if (!bytes) return MALFORMED;
  for (const master of secrets.all) {
    if (tagMatches(bytes, LEGACY_TAG_AT, tagOf(master, environment, bytes, 0))) return { ok: true, id: bytesToId(bytes, ID_AT), environment, master };
  }
  return BAD_TAG;
}

/** Whether `presented.slice(0, end)` has PREFIX_FORM (a lower-case letter, then letters and digits). */
function isPrefix(presented: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = presented.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (i > 0 && c >= 48 && c <= 57))) return false;
  }
  return true;
}

// refusals are values shared by every call: a flood of forged keys allocates nothing for them
const MALFORMED: ParsedApiKey = Object.freeze({ ok: false, code: 'malformed' });
const BAD_TAG: ParsedApiKey = Object.freeze({ ok: false, code: 'bad_tag' });

/**
 * HMAC-SHA-256 of the whole presented key with the `api-key-digest` key of the secret that minted
 * it (`parseApiKey`'s `master`), recording that secret: `<fingerprint>.<hmac>` (MasterKey.digest),
 * so `gatehouse secrets rewrap` can count the keys that still need a previous secret.
 */
export function digestApiKey(master: Pick<MasterKey, 'digest'>, presented: string): string {
  return master.digest('api-key-digest', presented);
}

/**
 * Constant-time comparison of a computed digest with a stored one. A stored digest from before
 * digests recorded their secret (no `<fingerprint>.`) is compared with the computed one's HMAC.
 */
export function digestsEqual(computed: string, stored: string): boolean {
  const x = Buffer.from(stored.includes('.') ? computed : computed.slice(computed.indexOf('.') + 1));
  const y = Buffer.from(stored);
  return x.length === y.length && timingSafeEqual(x, y);
}
