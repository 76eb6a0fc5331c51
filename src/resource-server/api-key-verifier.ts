import { LRUCache } from 'lru-cache';
import type { Secrets } from '../domain/secrets.js';
import type { Principal } from '../domain/principal.js';
import { digestApiKey, digestsEqual, MAX_PRESENTED_LENGTH, parseApiKey } from '../domain/api-keys/format.js';
import { keyStatus } from '../domain/api-keys/status.js';
import type { ApiKeyRecord, KeyEnvironment } from '../store/ports.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { then, type MaybePromise } from './maybe-async.js';
import { HashedCache } from './token-cache.js';
import type { Verified } from './verified.js';

/** Why a presented key was refused; callers answer every one of them with the same 401. */
export type ApiKeyRejection = 'malformed' | 'bad_tag' | 'unknown' | 'digest_mismatch' | 'revoked' | 'expired';

export type ApiKeyOutcome = { ok: true; verified: Verified; record: ApiKeyRecord } | { ok: false; reason: ApiKeyRejection };

interface Parsed {
  id: string;
  environment: KeyEnvironment;
  /** the presented key's keyed digest, to compare with the record's */
  digest: string;
  /** the record whose digest it last matched */
  matched?: ApiKeyRecord;
}

/**
 * In-process API-key check: shape and integrity tag first (a forged key costs one decode and
 * one HMAC and no store read), then the record by id from the cache, a constant-time digest
 * comparison, and the status at `now`. No argon2 and no write: keys are high-entropy, HMAC
 * digests suffice.
 *
 * Keys that passed the tag check are remembered under their SHA-256 (never the plaintext) with
 * their id and digest, both pure functions of the key, so a key in use costs one SHA-256 per
 * request instead of a base62 decode and two HMACs. Failed parses are not remembered: a flood
 * of distinct forgeries cannot evict the keys in use.
 */
export function createApiKeyVerifier(secrets: Secrets, cache: ApiKeyCache, options: { now?: () => number; maxParsed?: number } = {}) {
  const now = options.now ?? Date.now;
  const parsedKeys = new LRUCache<string, Parsed>({ max: options.maxParsed ?? 10_000 });
  const verifiedOf = new WeakMap<ApiKeyRecord, Verified>();

  const outcomeFor = (parsed: Parsed, record: ApiKeyRecord | null): ApiKeyOutcome => {
    if (!record || record.environment !== parsed.environment) return { ok: false, reason: 'unknown' };
    // records are immutable snapshots: once a key's digest matched one, it matches it for good
    if (parsed.matched !== record) {
      if (!digestsEqual(parsed.digest, record.digest)) return { ok: false, reason: 'digest_mismatch' };
      parsed.matched = record;
    }
    const status = keyStatus(record, new Date(now()));
    if (status !== 'active') return { ok: false, reason: status };
    let verified = verifiedOf.get(record);
    if (!verified) {
      verified = { principal: principalOfKey(record), ipAllowlist: record.ipAllowlist, rateLimit: record.rateLimit };
      verifiedOf.set(record, verified);
    }
    return { ok: true, record, verified };
  };

  return (presented: string): MaybePromise<ApiKeyOutcome> => {
    if (presented.length > MAX_PRESENTED_LENGTH) return { ok: false, reason: 'malformed' };
    const hashed = HashedCache.keyOf(presented);
    let parsed = parsedKeys.get(hashed);
    if (!parsed) {
      const result = parseApiKey(secrets, presented);
      if (!result.ok) return { ok: false, reason: result.code };
      parsed = { id: result.id, environment: result.environment, digest: digestApiKey(secrets, presented) };
      parsedKeys.set(hashed, parsed);
    }
    const found = parsed;
    return then(cache.get(found.id), (record) => outcomeFor(found, record));
  };
}

/** The principal an API key stands for; its subject is the key id. Frozen: it is shared between requests. */
export function principalOfKey(record: ApiKeyRecord): Principal {
  return Object.freeze({
    type: 'api_key',
    subject: record.id,
    organization: record.organizationId,
    environment: record.environment,
    permissions: Object.freeze([...record.permissions]) as string[],
    key_id: record.id,
  });
}
