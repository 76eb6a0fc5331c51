import type { ApiKeyRecord } from '../../../src/store/ports.js';
import { ApiKeyCache } from '../../../src/resource-server/api-key-cache.js';

function record(id: string, patch: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const at = new Date(0);
  return {
    id, organizationId: 'org_1', name: 'k', environment: 'live', digest: 'd', start: 's', permissions: ['a:read'],
    expiresAt: null, ipAllowlist: [], rateLimit: null, createdBy: 'cli', createdAt: at, updatedAt: at, revokedAt: null, rotatedTo: null, disabledAt: null, metadata: {}, ...patch,
  };
}

/** A key store in memory whose reads are counted and whose changes carry the writer's clock. */
function fakeStore(clock: () => number) {
  const rows = new Map<string, ApiKeyRecord>();
  let reads = 0;
  return {
    rows,
    get reads() { return reads; },
    put(r: ApiKeyRecord) { rows.set(r.id, { ...r, updatedAt: new Date(clock()) }); },
    async findById(id: string) { reads++; return rows.get(id) ?? null; },
    async changedSince(since: Date) {
      return [...rows.values()].filter((r) => r.updatedAt >= since).map((r) => ({ id: r.id, updatedAt: r.updatedAt }));
    },
  };
}

describe('API-key record cache staleness', () => {
  it('serves a fresh entry without reading and re-reads an entry older than the bound that no poll confirmed', async () => {
    let now = 1_000_000;
    const store = fakeStore(() => now);
    store.put(record('key_a'));
    const cache = new ApiKeyCache({ store, stalenessMs: 1000, maxEntries: 10, now: () => now });
    await cache.get('key_a');
    now += 999;
    await cache.get('key_a');
    expect(store.reads).toBe(1);
    now += 2;
    await cache.get('key_a');
    expect(store.reads).toBe(2);
  });

  it('keeps hot entries fresh through polls, and evicts what another instance changed', async () => {
    let now = 1_000_000;
    const store = fakeStore(() => now);
    store.put(record('key_a'));
    store.put(record('key_b'));
    now += 10_000;
    const cache = new ApiKeyCache({ store, stalenessMs: 1000, maxEntries: 10, now: () => now });
    await cache.get('key_a');
    await cache.get('key_b');
    for (let i = 0; i < 10; i++) {
      now += 500;
      await cache.poll();
      await cache.get('key_a');
    }
    expect(store.reads).toBe(2);
    now += 100;
    store.put(record('key_b', { revokedAt: new Date(now) }));
    expect((await cache.get('key_b'))!.revokedAt).toBeNull(); // still within the bound
    now += 400;
    await cache.poll();
    expect((await cache.get('key_b'))!.revokedAt).not.toBeNull();
    expect((await cache.get('key_a'))!.revokedAt).toBeNull();
    expect(store.reads).toBe(3);
  });

  it('forgets a key at once when told it changed here', async () => {
    let now = 1_000_000;
    const store = fakeStore(() => now);
    store.put(record('key_a'));
    const cache = new ApiKeyCache({ store, stalenessMs: 1000, maxEntries: 10, now: () => now });
    await cache.get('key_a');
    store.put(record('key_a', { permissions: ['a:write'] }));
    cache.invalidate('key_a');
    expect((await cache.get('key_a'))!.permissions).toEqual(['a:write']);
  });

  it('stops trusting entries when polls fail, so a store outage cannot extend the bound', async () => {
    let now = 1_000_000;
    const store = fakeStore(() => now);
    store.put(record('key_a'));
    let failing = false;
    const cache = new ApiKeyCache({
      store: { findById: (id) => store.findById(id), changedSince: async (s) => { if (failing) throw new Error('down'); return store.changedSince(s); } },
      stalenessMs: 1000, maxEntries: 10, now: () => now, onPollError: () => {},
    });
    await cache.get('key_a');
    failing = true;
    now += 600;
    await cache.poll();
    now += 600;
    await cache.get('key_a');
    expect(store.reads).toBe(2);
  });

  it('caches unknown ids too, under the same bound', async () => {
    let now = 1_000_000;
    const store = fakeStore(() => now);
    const cache = new ApiKeyCache({ store, stalenessMs: 1000, maxEntries: 10, now: () => now });
    expect(await cache.get('key_x')).toBeNull();
    expect(await cache.get('key_x')).toBeNull();
    expect(store.reads).toBe(1);
  });
});
