import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { UsageIncrement, UsageStore } from '../store/ports.js';
import { BatchedWriter } from '../usage/batched-writer.js';

const DAY_MS = 86_400_000;

interface Pending { keyId: string; day: number; count: number; last: number }

/**
 * Buffers API-key usage in memory and writes it to the store in batches.
 *
 * `touch` runs on every request authenticated by an API key: two map operations, no I/O. `flush`
 * writes one `store.usage.record` call for everything buffered; it runs every
 * `config.apiKeys.usageFlushMs` on an unref'd timer and once more on `close()`.
 *
 * Staleness bound: `last_used_at` and the daily counts in the store lag real use by at most
 * `flushMs` (plus the duration of one write). Readers in this process see no lag, because
 * `lastUsedAt` also consults the buffer. A crash loses at most the last `flushMs` of counts.
 *
 * Exactly once: each flush carries an id, and a flush whose write failed is retried as it was,
 * same id and same counts, before anything newer; the store applies an id at most once. So a
 * write that landed but whose acknowledgement was lost (a timeout, a dropped connection) is
 * never counted twice, and one that did not land is counted on the retry.
 */
export class UsageRecorder extends BatchedWriter<{ id: string; increments: UsageIncrement[] }> {
  private pending = new Map<string, Pending>();
  private latest = new Map<string, number>();

  constructor(private readonly deps: { store: UsageStore; logger: Logger; flushMs: number }) {
    super(deps.flushMs);
  }

  /** Counts one use of `keyId` at `at`. O(1), in memory only. */
  touch(keyId: string, at: Date): void {
    const ms = at.getTime();
    this.add(keyId, Math.floor(ms / DAY_MS), 1, ms);
  }

  private add(keyId: string, day: number, count: number, last: number): void {
    const slot = `${keyId}\0${day}`;
    const entry = this.pending.get(slot);
    if (entry) {
      entry.count += count;
      if (last > entry.last) entry.last = last;
    } else {
      this.pending.set(slot, { keyId, day, count, last });
    }
    if (last > (this.latest.get(keyId) ?? 0)) this.latest.set(keyId, last);
  }

  /** The newest use of `keyId` seen by this process (null when none); one entry per key used. */
  pendingLastUsedAt(keyId: string): Date | null {
    const ms = this.latest.get(keyId);
    return ms === undefined ? null : new Date(ms);
  }

  protected take(): { id: string; increments: UsageIncrement[] } | null {
    if (this.pending.size === 0) return null;
    const batch = this.pending;
    this.pending = new Map();
    return {
      id: newId('flush'),
      increments: [...batch.values()].map((p) => ({
        keyId: p.keyId, day: new Date(p.day * DAY_MS).toISOString().slice(0, 10), count: p.count, lastUsedAt: new Date(p.last),
      })),
    };
  }

  /** One attempt at a flush. @returns whether the store acknowledged it */
  protected async send(flush: { id: string; increments: UsageIncrement[] }): Promise<boolean> {
    try {
      await this.deps.store.record(flush.increments, flush.id);
      return true;
    } catch (err) {
      this.deps.logger.error({ err, increments: flush.increments.length }, 'usage flush failed; will retry it as it was');
      return false;
    }
  }
}
