import { newId } from '../../../src/domain/ids.js';
import { apiKey, at, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const HOUR = 3_600_000;

/** API keys: lookup, status filters, the active-key cap, changes feed. */
export function apiKeysContract(ctx: StoreContext): void {
  const keys = () => ctx.store.apiKeys;

  it('finds a created key with every field, organization and server scoped', async () => {
    const k = apiKey(newId('org'), { expiresAt: at(-HOUR), environment: 'test' });
    const server = apiKey(null, { rateLimit: null, ipAllowlist: [], createdBy: 'api_key:key_x', rotatedTo: 'key_y' });
    expect(await keys().create(k)).toBe('created');
    expect(await keys().create(server)).toBe('created');
    expect(await keys().findById(k.id)).toEqual(k);
    expect(await keys().findById(server.id)).toEqual(server);
    expect(await keys().findById('key_missing')).toBeNull();
  });

  it('refuses a duplicate id with UniqueViolation("id")', async () => {
    const k = apiKey(newId('org'));
    await keys().create(k);
    await expect(keys().create(apiKey(newId('org'), { id: k.id }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'id' });
  });

  it('lists by status at the given time: active, revoked, expired, or all; newest first with paging', async () => {
    const org = newId('org');
    const now = new Date();
    const active = apiKey(org);
    const activeUntilLater = apiKey(org, { expiresAt: new Date(now.getTime() + HOUR) });
    const revoked = apiKey(org, { revokedAt: at(HOUR) });
    const expired = apiKey(org, { expiresAt: new Date(now.getTime() - 1) });
    const expiresExactlyNow = apiKey(org, { expiresAt: now });
    const all = [active, activeUntilLater, revoked, expired, expiresExactlyNow];
    for (const k of all) await keys().create(k);
    await keys().create(apiKey(newId('org')));
    await keys().create(apiKey(null));

    const ids = async (status?: 'active' | 'revoked' | 'expired') =>
      (await walk((p) => keys().list(org, { status, now }, p), 2, (k) => k.id)).map((k) => k.id);
    expect(await ids('active')).toEqual([activeUntilLater.id, active.id]);
    expect(await ids('revoked')).toEqual([revoked.id]);
    expect(await ids('expired')).toEqual([expiresExactlyNow.id, expired.id]);
    expect(await ids()).toEqual(all.map((k) => k.id).reverse());
    // later, the key that was active until later has expired
    const later = new Date(now.getTime() + 2 * HOUR);
    expect((await keys().list(org, { status: 'expired', now: later }, { limit: 10 })).items.map((k) => k.id))
      .toEqual([expiresExactlyNow.id, expired.id, activeUntilLater.id].sort().reverse());
    expect(await keys().countActive(org, now)).toBe(2);
    expect(await keys().countActive(org, later)).toBe(1);
  });

  it('lists server-scoped keys when the organization is null, and only them', async () => {
    const server = [apiKey(null), apiKey(null)];
    for (const k of server) await keys().create(k);
    await keys().create(apiKey(newId('org')));
    const listed = await walk((p) => keys().list(null, { now: new Date() }, p), 200, (k) => k.id);
    expect(listed.every((k) => k.organizationId === null)).toBe(true);
    expect(listed.map((k) => k.id)).toEqual(expect.arrayContaining(server.map((k) => k.id)));
  });

  it('patches a key and stamps updatedAt when the patch does not', async () => {
    const k = apiKey(newId('org'), { updatedAt: at(HOUR) });
    await keys().create(k);
    const patch = { name: 'renamed', permissions: ['a:read', 'b:write'], ipAllowlist: [], rateLimit: null, updatedAt: at() };
    expect(await keys().update(k.id, patch)).toEqual({ ...k, ...patch });
    const before = Date.now();
    const revoked = await keys().update(k.id, { revokedAt: at(), rotatedTo: 'key_next', expiresAt: null });
    expect(revoked).toMatchObject({ ...k, ...patch, rotatedTo: 'key_next', expiresAt: null, revokedAt: expect.any(Date), updatedAt: expect.any(Date) });
    expect(revoked!.revokedAt).toBeInstanceOf(Date);
    expect(revoked!.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await keys().findById(k.id)).toEqual(revoked);
    expect(await keys().update('key_missing', { name: 'x' })).toBeNull();
  });

  it('refuses a create over the cap, counting only keys active at `now`', async () => {
    const org = newId('org');
    const now = new Date();
    const cap = { maxActive: 2, now };
    expect(await keys().create(apiKey(org, { revokedAt: at() }), cap)).toBe('created');
    expect(await keys().create(apiKey(org, { expiresAt: new Date(now.getTime() - 1) }), cap)).toBe('created');
    expect(await keys().create(apiKey(org), cap)).toBe('created');
    expect(await keys().create(apiKey(org), cap)).toBe('created');
    expect(await keys().create(apiKey(org), cap)).toBe('cap_reached');
    expect(await keys().countActive(org, now)).toBe(2);
    // another organization has its own cap; without a cap nothing is counted
    expect(await keys().create(apiKey(newId('org')), cap)).toBe('created');
    expect(await keys().create(apiKey(org))).toBe('created');
  });

  it('admits exactly the cap when 12 creates race on two connections', async () => {
    const org = newId('org');
    const cap = { maxActive: 5, now: new Date() };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).apiKeys.create(apiKey(org), cap)));
    expect(results.filter((r) => r === 'created')).toHaveLength(5);
    expect(results.filter((r) => r === 'cap_reached')).toHaveLength(7);
    expect(await keys().countActive(org, cap.now)).toBe(5);
  });

  it('reports the keys changed at or after a time, with their updatedAt', async () => {
    const since = new Date(Date.now() + 10 * HOUR);
    const before = apiKey(newId('org'), { updatedAt: new Date(since.getTime() - 1) });
    const exactly = apiKey(newId('org'), { updatedAt: since });
    const after = apiKey(newId('org'), { updatedAt: new Date(since.getTime() + 5) });
    for (const k of [before, exactly, after]) await keys().create(k);
    const changed = await keys().changedSince(since);
    expect(changed).toEqual(expect.arrayContaining([{ id: exactly.id, updatedAt: since }, { id: after.id, updatedAt: after.updatedAt }]));
    expect(changed.map((c) => c.id)).not.toContain(before.id);
    await keys().update(before.id, { name: 'touched', updatedAt: new Date(since.getTime() + 7) });
    expect((await keys().changedSince(since)).map((c) => c.id)).toContain(before.id);
  });
}
