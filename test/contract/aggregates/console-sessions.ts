import { newId } from '../../../src/domain/ids.js';
import { UniqueViolation, type ConsoleSessionRecord } from '../../../src/store/ports.js';
import type { StoreContext } from '../store-contract.js';

const session = (over: Partial<ConsoleSessionRecord> = {}): ConsoleSessionRecord => ({
  id: newId('cs'), sealed: 'v1.iv.body.tag', version: 1, createdAt: new Date(Date.now() - 1000),
  expiresAt: new Date(Date.now() + 3_600_000), ...over,
});

/** Console (backend-for-frontend) sessions. */
export function consoleSessionsContract(ctx: StoreContext): void {
  const sessions = () => ctx.store.consoleSessions;

  it('finds a created session; a second create with the id is a UniqueViolation', async () => {
    const s = session();
    await sessions().create(s);
    expect(await sessions().find(s.id)).toEqual(s);
    await expect(sessions().create(s)).rejects.toBeInstanceOf(UniqueViolation);
    expect(await sessions().find(newId('cs'))).toBeNull();
  });

  it('updates from the current version only, bumping it', async () => {
    const s = session();
    await sessions().create(s);
    const expiresAt = new Date(Date.now() + 7_200_000);
    const updated = await sessions().update(s.id, 1, { sealed: 'v1.second', expiresAt });
    expect(updated).toEqual({ ...s, sealed: 'v1.second', expiresAt, version: 2 });
    expect(await sessions().update(s.id, 1, { sealed: 'v1.stale', expiresAt })).toBeNull();
    expect(await sessions().find(s.id)).toEqual(updated);
    expect(await sessions().update(newId('cs'), 1, { sealed: 'v1.none', expiresAt })).toBeNull();
  });

  it('of 10 concurrent updates from one version, on two connections, exactly one wins', async () => {
    const s = session();
    await sessions().create(s);
    const expiresAt = new Date(Date.now() + 3_600_000);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).consoleSessions.update(s.id, 1, { sealed: `v1.writer-${i}`, expiresAt })));
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(await sessions().find(s.id)).toEqual(winners[0]);
    expect(winners[0]!.version).toBe(2);
  });

  it('neither finds nor updates an expired session, and the sweep removes it', async () => {
    const s = session({ expiresAt: new Date(Date.now() - 1000) });
    await sessions().create(s);
    expect(await sessions().find(s.id)).toBeNull();
    expect(await sessions().update(s.id, 1, { sealed: 'v1.late', expiresAt: new Date(Date.now() + 60_000) })).toBeNull();
    await ctx.store.sweepExpired(new Date());
    expect(await sessions().delete(s.id)).toBe(false);
  });

  it('deletes a session once', async () => {
    const s = session();
    await sessions().create(s);
    expect(await sessions().delete(s.id)).toBe(true);
    expect(await sessions().find(s.id)).toBeNull();
    expect(await sessions().delete(s.id)).toBe(false);
  });
}
