import { LRUCache } from 'lru-cache';
import type { ApiKeyRecord, ApiKeyStore } from '../store/ports.js';
import type { MaybePromise } from './maybe-async.js';

interface Entry {
  record: ApiKeyRecord | null;
  /** when the record was read from the store */
  readAt: number;
}

export interface ApiKeyCacheOptions {
  store: Pick<ApiKeyStore, 'findById' | 'changedSince'>;
  /** the staleness bound (config `apiKeys.cacheStalenessMs`) */
  stalenessMs: number;
  maxEntries: number;
  /** how far each poll looks back before the previous one (commit latency, clock skew between instances) */
  pollOverlapMs?: number;
  now?: () => number;
  onPollError?: (err: unknown) => void;
}

/**
 * API-key records by id, shared by every request of one instance.
 *
 * **Staleness bound.** A record is served from the cache only while it is known to be at most
 * `stalenessMs` old: it was read from the store, or a poll of `store.apiKeys.changedSince` that
 * started after its read (and found no change to it) completed, within the last `stalenessMs`.
 * The poller runs every `stalenessMs / 2` (unref'd), evicts the ids it finds changed and so keeps
 * hot entries fresh without re-reading them; an entry that is not confirmed in time (poller late,
 * store down) is re-read. Hence a revocation, expiry change or permission change made by another
 * instance is honoured here within `stalenessMs`; the instance that made it is told at once
 * through `invalidate` (the ApiKeyService's `onChange`). Unknown ids are cached too (as null),
 * under the same bound. Expiry by time needs no poll: the status is computed per request.
 */
export class ApiKeyCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly now: () => number;
  private readonly overlapMs: number;
  /** start time of the last successful poll: every entry is fresh as of then */
  private confirmedAt = -Infinity;
  private lastPollStart: number;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly options: ApiKeyCacheOptions) {
    this.now = options.now ?? Date.now;
    this.overlapMs = options.pollOverlapMs ?? 2_000;
    this.lru = new LRUCache({ max: options.maxEntries });
    this.lastPollStart = this.now();
  }

  /**
   * The record (null when there is none): synchronously from the cache when fresh enough, else
   * read from the store.
   */
  get(id: string): MaybePromise<ApiKeyRecord | null> {
    const entry = this.lru.get(id);
    const now = this.now();
    if (entry && now - Math.max(entry.readAt, this.confirmedAt) <= this.options.stalenessMs) return entry.record;
    return this.read(id, now);
  }

  private async read(id: string, readAt: number): Promise<ApiKeyRecord | null> {
    const record = await this.options.store.findById(id);
    this.lru.set(id, { record, readAt });
    return record;
  }

  /** Forgets one key at once (this instance changed it). */
  invalidate(id: string): void {
    this.lru.delete(id);
  }

  /** One poll: evicts changed ids, then confirms every remaining entry as of the poll's start. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const started = this.now();
    try {
      const changed = await this.options.store.changedSince(new Date(this.lastPollStart - this.overlapMs));
      for (const { id, updatedAt } of changed) {
        const entry = this.lru.peek(id);
        // only a read made well after the change (beyond the overlap) surely saw it
        if (entry && entry.readAt < updatedAt.getTime() + this.overlapMs) this.lru.delete(id);
      }
      this.lastPollStart = started;
      this.confirmedAt = started;
    } catch (err) {
      this.options.onPollError?.(err);
    } finally {
      this.polling = false;
    }
  }

  /** Starts the background poller (every `stalenessMs / 2`, not keeping the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), Math.max(50, Math.floor(this.options.stalenessMs / 2)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
