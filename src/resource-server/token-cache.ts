import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * A bounded cache of verified credentials keyed by the SHA-256 of the credential (never the
 * credential itself), each entry living at most until its own deadline. Used for JWTs (until
 * `exp`) and, in remote mode, for introspection answers (a few seconds).
 */
export class HashedCache<V extends {}> {
  private readonly lru: LRUCache<string, { value: V; until: number }>;

  constructor(maxEntries: number, private readonly now: () => number = Date.now) {
    this.lru = new LRUCache({ max: maxEntries });
  }

  /** The SHA-256 of a credential as a 32-character latin1 string (cheaper to produce than base64url). */
  static keyOf(credential: string): string {
    return hash('sha256', credential, 'binary');
  }

  /** the cached value, or undefined when absent or past its deadline */
  get(key: string): V | undefined {
    const entry = this.lru.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.lru.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** caches `value` until the ms epoch `until` (nothing is cached when that is already past) */
  set(key: string, value: V, until: number): void {
    if (until > this.now()) this.lru.set(key, { value, until });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }
}
