import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base62Width, decodeBase62, encodeBase62 } from '../../domain/api-keys/base62.js';
import type { MasterKey, Secrets } from '../../domain/secrets.js';

/*
 * Token layout: `scim_<base62(random ‖ tag)>`, fixed width.
 * - random: 32 bytes from the CSPRNG (256 bits); `start` (the first characters) comes from it.
 * - tag: HMAC-SHA-256 (key `scim-token-tag`) over the random part, truncated to 128 bits, so a
 *   forged or mistyped token is refused before any store read, like an API key.
 * The store keeps only the keyed digest of the whole token (key `scim-token-digest`, recording
 * the secret: `<fingerprint>.<hmac>`), found by an index on it: the digest cannot be computed
 * without GATEHOUSE_SECRET, so the lookup tells an attacker nothing a forged tag had not already
 * been refused for. A token minted under a previous secret (GATEHOUSE_SECRET_PREVIOUS) has its
 * tag, and so its digest, checked with that secret.
 */
const PREFIX = 'scim_';
const RANDOM_BYTES = 32;
const TAG_BYTES = 16;
const BODY_BYTES = RANDOM_BYTES + TAG_BYTES;
const TOKEN_PATTERN = new RegExp(`^${PREFIX}([0-9A-Za-z]{${base62Width(BODY_BYTES)}})$`);
/** Characters of the body kept as `start`. */
export const SCIM_START_LENGTH = 6;

export interface GeneratedScimToken {
  /** the plaintext token: shown once, never stored */
  token: string;
  start: string;
  /** the keyed digest, the only thing the store keeps */
  digest: string;
}

const tagOf = (master: MasterKey, random: Buffer) =>
  createHmac('sha256', master.key('scim-token-tag')).update(random).digest().subarray(0, TAG_BYTES);

/** The current secret's digest of a whole token (key `scim-token-digest`): what the store keeps. */
export function digestScimToken(secrets: Secrets, token: string): string {
  return secrets.digest('scim-token-digest', token);
}

/** Mints a new SCIM token. */
export function generateScimToken(secrets: Secrets): GeneratedScimToken {
  const random = randomBytes(RANDOM_BYTES);
  const body = encodeBase62(Buffer.concat([random, tagOf(secrets.current, random)]));
  const token = `${PREFIX}${body}`;
  return { token, start: body.slice(0, SCIM_START_LENGTH), digest: digestScimToken(secrets, token) };
}

/**
 * The digests to look the token up by, in order, when the presented string is a token this
 * deployment minted (shape, and tag under a configured secret): recorded under the secret whose
 * tag matched, then bare (stored before digests recorded their secret). Null otherwise, with no
 * store read. Pure.
 */
export function scimTokenDigests(secrets: Secrets, presented: unknown): string[] | null {
  if (typeof presented !== 'string' || presented.length > 100) return null;
  const match = TOKEN_PATTERN.exec(presented);
  const bytes = match && decodeBase62(match[1], BODY_BYTES);
  if (!bytes) return null;
  const random = bytes.subarray(0, RANDOM_BYTES);
  const master = secrets.all.find((m) => timingSafeEqual(bytes.subarray(RANDOM_BYTES), tagOf(m, random)));
  return master ? [master.digest('scim-token-digest', presented), master.bareDigest('scim-token-digest', presented)] : null;
}
