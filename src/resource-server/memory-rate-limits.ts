import { LRUCache } from 'lru-cache';
import type { RateLimitResult, RateLimitStore, RateLimitTake } from '../store/ports.js';
import { admitThreshold, takeResult, windowPosition } from '../store/sliding-window.js';

/**
 * The sliding-window counter of `RateLimitStore` in this process's memory (bounded), for remote
 * resource servers that have no shared store: limits then hold per resource-server instance.
 */
export class MemoryRateLimits implements RateLimitStore {
  private readonly counts: LRUCache<string, number>;

  constructor(maxCounters = 100_000) {
    this.counts = new LRUCache({ max: maxCounters });
  }

  async take(input: RateLimitTake): Promise<RateLimitResult> {
    const pos = windowPosition(input.now, input.windowMs);
    const currentKey = `${input.bucket}\0${pos.windowStart}`;
    const previous = this.counts.get(`${input.bucket}\0${pos.previousStart}`) ?? 0;
    const current = this.counts.get(currentKey) ?? 0;
    const weighted = previous * pos.previousWeight;
    const allowed = current <= admitThreshold(input.limit, input.cost, weighted);
    if (allowed) this.counts.set(currentKey, current + input.cost);
    return takeResult(allowed, current, input.cost, weighted, pos.resetAt);
  }

  async reset(bucket: string): Promise<void> {
    for (const key of this.counts.keys()) if (key.startsWith(`${bucket}\0`)) this.counts.delete(key);
  }
}
