import { LRUCache } from 'lru-cache';
import type { Secrets } from '../domain/secrets.js';
import type { Principal } from '../domain/principal.js';
import { digestApiKey, digestsEqual, MAX_PRESENTED_LENGTH, parseApiKey } from '../domain/api-keys/format.js';
import type { ApiKeyRecord, KeyEnvironment } from '../store/ports.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { isPromise, then, type MaybePromise } from './maybe-async.js';
import { HashedCache } from './token-cache.js';
import { withConsume, type MeteredPrincipal } from './metering.js';
import type { Verified } from './verified.js';

/** Why a presented key was refused; callers answer every one of them with the same 401. */
export type ApiKeyRejection = 'malformed' | 'bad_tag' | 'unknown' | 'digest_mismatch' | 'revoked' | 'expired' | 'disabled';

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
 * request instead of a base62 decode and two HMACs. A 32-bit fingerprint of each remembered key
 * (FNV-1a: a hint, never trusted) tells which presented keys may be remembered at all, so a key
 * never seen (a forgery) is not hashed before its tag check. Failed parses are not remembered: a
 * flood of distinct forgeries cannot evict the keys in use.
 */
export function createApiKeyVerifier(secrets: Secrets, cache: ApiKeyCache, options: { now?: () => number; maxParsed?: number } = {}) {
  const now = options.now ?? Date.now;
  const parsedKeys = new LRUCache<string, Parsed>({ max: options.maxParsed ?? 10_000 });
  const verifiedOf = new WeakMap<ApiKeyRecord, Verified>();

  /** The record's `Verified` (one per record: records are immutable snapshots), or why the key is refused. */
  const check = (parsed: Parsed, record: ApiKeyRecord | null): Verified | ApiKeyRejection => {
    if (!record || record.environment !== parsed.environment) return 'unknown';
    // once a key's digest matched a record, it matches it for good
    if (parsed.matched !== record) {
      if (!digestsEqual(parsed.digest, record.digest)) return 'digest_mismatch';
      parsed.matched = record;
    }
    if (record.revokedAt) return 'revoked';
    if (record.expiresAt && record.expiresAt.getTime() <= now()) return 'expired';
    if (record.disabledAt) return 'disabled';
    let verified = verifiedOf.get(record);
    if (!verified) {
      verified = { principal: principalOfKey(record), ipAllowlist: record.ipAllowlist, rateLimit: record.rateLimit, jkt: null };
      verifiedOf.set(record, verified);
    }
    return verified;
  };

  /** The presented key's parse (cached once its tag checked out), or why it is refused without a store read. */
  const maxHints = 4 * (options.maxParsed ?? 10_000);
  let hints = new Set<number>();
  const parse = (presented: string): Parsed | ApiKeyRejection => {
    if (presented.length > MAX_PRESENTED_LENGTH) return 'malformed';
    // a key never parsed here skips the hash and goes straight to the tag check: a forged key
    // costs its parse and nothing more
    const hint = fingerprint(presented);
    let hashed: string | null = null;
    if (hints.has(hint)) {
      hashed = HashedCache.keyOf(presented);
      const cached = parsedKeys.get(hashed);
      if (cached) return cached;
    }
    const result = parseApiKey(secrets, presented);
    if (!result.ok) return result.code;
    hashed ??= HashedCache.keyOf(presented);
    let parsed = parsedKeys.get(hashed);
    if (!parsed) {
      parsed = { id: result.id, environment: result.environment, digest: digestApiKey(result.master, presented) };
      parsedKeys.set(hashed, parsed);
    }
    if (hints.size >= maxHints) hints = new Set();
    hints.add(hint);
    return parsed;
  };

  const outcome = (parsed: Parsed, result: Verified | ApiKeyRejection): ApiKeyOutcome =>
    (typeof result === 'string' ? { ok: false, reason: result } : { ok: true, verified: result, record: parsed.matched! });

  return {
    /** The hot path: the key's `Verified`, or null for any refusal (synchronous on a cache hit, no allocation). */
    verify(presented: string): MaybePromise<Verified | null> {
      const parsed = parse(presented);
      if (typeof parsed === 'string') return null;
      const record = cache.get(parsed.id);
      if (isPromise(record)) return record.then((r) => orNull(check(parsed, r)));
      return orNull(check(parsed, record));
    },
    /** The full outcome, with the reason or the record (introspection). */
    check(presented: string): MaybePromise<ApiKeyOutcome> {
      const parsed = parse(presented);
      if (typeof parsed === 'string') return { ok: false, reason: parsed };
      return then(cache.get(parsed.id), (record) => outcome(parsed, check(parsed, record)));
    },
  };
}

/** FNV-1a over the UTF-16 code units: cheap, not collision resistant (a hint only: the SHA-256 decides). */
function fingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const orNull = (result: Verified | ApiKeyRejection): Verified | null => (typeof result === 'string' ? null : result);

/**
 * The principal an API key stands for; its subject is the key id, its `metadata` the key's.
 * Frozen: it is shared between requests.
 */
export function principalOfKey(record: ApiKeyRecord): MeteredPrincipal {
  return Object.freeze(withConsume<Principal>({
    type: 'api_key',
    subject: record.id,
    organization: record.organizationId,
    environment: record.environment,
    permissions: Object.freeze([...record.permissions]) as string[],
    key_id: record.id,
    metadata: Object.freeze({ ...record.metadata }),
  }));
}
