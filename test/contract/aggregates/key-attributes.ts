import { newId } from '../../../src/domain/ids.js';
import { apiKey, at, organization } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const HOUR = 3_600_000;

/** API keys' metadata and disabling, and organizations' key settings (max lifetime, rotation reminder). */
export function keyAttributesContract(ctx: StoreContext): void {
  const keys = () => ctx.store.apiKeys;

  it('keeps a key\'s metadata and disabledAt field for field, and {} / null when it has none', async () => {
    const tagged = apiKey(newId('org'), { metadata: { customer: 'c_1', tier: 2, beta: true, 'team:name': 'é ü' }, disabledAt: at(HOUR) });
    const plain = apiKey(newId('org'));
    await keys().create(tagged);
    await keys().create(plain);
    expect(await keys().findById(tagged.id)).toEqual(tagged);
    expect(await keys().findById(plain.id)).toMatchObject({ metadata: {}, disabledAt: null });
  });

  it('replaces metadata, disables and re-enables by update, each change stamped for changedSince', async () => {
    const k = apiKey(newId('org'), { metadata: { a: 1, b: 'x' }, updatedAt: at(2 * HOUR) });
    await keys().create(k);
    const disabledAt = at(HOUR);
    expect(await keys().update(k.id, { metadata: { c: false }, disabledAt, updatedAt: disabledAt }))
      .toEqual({ ...k, metadata: { c: false }, disabledAt, updatedAt: disabledAt });
    expect(await keys().update(k.id, { metadata: {} })).toMatchObject({ metadata: {}, disabledAt });
    const since = new Date();
    const enabled = await keys().update(k.id, { disabledAt: null, updatedAt: since });
    expect(enabled).toMatchObject({ disabledAt: null, metadata: {} });
    expect(await keys().findById(k.id)).toEqual(enabled);
    expect((await keys().changedSince(since)).map((c) => c.id)).toContain(k.id);
  });

  it('lists disabled keys apart from active ones; an expired or revoked disabled key is listed as such', async () => {
    const org = newId('org');
    const now = new Date();
    const active = apiKey(org);
    const disabled = apiKey(org, { disabledAt: at() });
    const disabledThenExpired = apiKey(org, { disabledAt: at(), expiresAt: new Date(now.getTime() - 1) });
    const disabledThenRevoked = apiKey(org, { disabledAt: at(), revokedAt: at() });
    for (const k of [active, disabled, disabledThenExpired, disabledThenRevoked]) await keys().create(k);
    const ids = async (status: 'active' | 'disabled' | 'expired' | 'revoked') =>
      (await keys().list(org, { status, now }, { limit: 10 })).items.map((k) => k.id);
    expect(await ids('active')).toEqual([active.id]);
    expect(await ids('disabled')).toEqual([disabled.id]);
    expect(await ids('expired')).toEqual([disabledThenExpired.id]);
    expect(await ids('revoked')).toEqual([disabledThenRevoked.id]);
  });

  it('counts disabled keys against the cap (they may be re-enabled at any moment)', async () => {
    const org = newId('org');
    const now = new Date();
    const cap = { maxActive: 2, now };
    expect(await keys().create(apiKey(org, { disabledAt: at() }), cap)).toBe('created');
    expect(await keys().create(apiKey(org), cap)).toBe('created');
    expect(await keys().create(apiKey(org), cap)).toBe('cap_reached');
    expect(await keys().countActive(org, now)).toBe(2);
  });

  it("keeps an organization's key settings, changes only them by update, and clears them with null", async () => {
    const org = organization({ maxKeyLifetimeSeconds: 90 * 86_400, keyRotationReminderDays: 30 });
    const plain = organization();
    await ctx.store.organizations.create(org);
    await ctx.store.organizations.create(plain);
    expect(await ctx.store.organizations.findById(org.id)).toEqual(org);
    expect(await ctx.store.organizations.findBySlug(plain.slug)).toEqual(plain);
    expect(await ctx.store.organizations.update(plain.id, { keyRotationReminderDays: 0 })).toEqual({ ...plain, keyRotationReminderDays: 0 });
    expect(await ctx.store.organizations.update(org.id, { maxKeyLifetimeSeconds: null })).toEqual({ ...org, maxKeyLifetimeSeconds: null });
    expect(await ctx.store.organizations.update(org.id, { name: 'Renamed' })).toEqual({ ...org, maxKeyLifetimeSeconds: null, name: 'Renamed' });
  });
}
