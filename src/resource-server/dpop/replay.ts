import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SingleUseStore } from '../../store/ports.js';

/**
 * Remembers DPoP proofs (by key thumbprint and `jti`) until they can no longer be used, so each
 * is accepted once. `claim` is true the first time.
 */
export interface ReplayGuard {
  claim(jkt: string, jti: string, usableUntil: number): Promise<boolean>;
}

/** The store key of a proof: a hash, so client-chosen `jti`s never reach the store as such. */
export function replayKey(jkt: string, jti: string): string {
  return `dpop:${hash('sha256', `${jkt}\0${jti}`, 'base64url')}`;
}

/** Through the store's single-use claims: one proof is accepted once across every instance sharing it. */
export function storeReplayGuard(store: SingleUseStore): ReplayGuard {
  return { claim: (jkt, jti, until) => store.claim(replayKey(jkt, jti), new Date(until)) };
}

/**
 * In this process's memory only (bounded): a proof replayed to another instance is not caught.
 * For a single instance, or tests; remote services share theirs through Gatehouse by default.
 */
export function memoryReplayGuard(maxEntries = 100_000, now: () => number = Date.now): ReplayGuard {
  const seen = new LRUCache<string, number>({ max: maxEntries });
  return {
    async claim(jkt, jti, until) {
      const key = replayKey(jkt, jti);
      const held = seen.get(key);
      if (held !== undefined && held > now()) return false;
      seen.set(key, until);
      return true;
    },
  };
}
