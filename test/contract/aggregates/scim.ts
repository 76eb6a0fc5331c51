import { newId } from '../../../src/domain/ids.js';
import { at, scimToken, scimUser, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** SCIM tokens: found by digest, revoked once, last use only raised. */
export function scimTokensContract(ctx: StoreContext): void {
  const tokens = () => ctx.store.scimTokens;

  it('finds a token by id within its organization and by digest, and lists newest first', async () => {
    const org = newId('org');
    const made = [scimToken(org), scimToken(org, { expiresAt: at(-86_400_000) }), scimToken(org)];
    for (const t of made) await tokens().create(t);
    await tokens().create(scimToken(newId('org')));
    expect(await tokens().findById(org, made[1].id)).toEqual(made[1]);
    expect(await tokens().findById(newId('org'), made[1].id)).toBeNull();
    expect(await tokens().findByDigest(made[2].digest)).toEqual(made[2]);
    expect(await tokens().findByDigest('nothing')).toBeNull();
    expect(await walk((p) => tokens().list(org, p), 2, (t) => t.id)).toEqual([...made].reverse());
  });

  it('refuses a second token with the same digest with UniqueViolation("digest")', async () => {
    const first = scimToken(newId('org'));
    await tokens().create(first);
    await expect(tokens().create(scimToken(newId('org'), { digest: first.digest }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'digest' });
  });

  it('revokes once: of concurrent revocations on two connections exactly one answers true', async () => {
    const t = scimToken(newId('org'));
    await tokens().create(t);
    const now = at();
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => (n % 2 ? ctx.peer : ctx.store).scimTokens.revoke(t.id, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await tokens().findById(t.organizationId, t.id)).toEqual({ ...t, revokedAt: now, updatedAt: now });
  });

  it('raises the last use and never lowers it', async () => {
    const t = scimToken(newId('org'));
    await tokens().create(t);
    const later = at();
    await tokens().touch(t.id, later);
    await tokens().touch(t.id, at(60_000));
    expect((await tokens().findById(t.organizationId, t.id))!.lastUsedAt).toEqual(later);
  });
}

/** The people identity providers provisioned: unique per organization, updated by compare-and-set. */
export function scimUsersContract(ctx: StoreContext): void {
  const users = () => ctx.store.scimUsers;

  it('finds a person by id, user, external id, invited address and invitation, within the organization only', async () => {
    const org = newId('org');
    const invited = scimUser(org);
    const member = scimUser(org, { userId: newId('usr'), externalId: null, name: null, displayName: null, roles: [], invitationId: null });
    await users().create(invited);
    await users().create(member);
    expect(await users().findById(org, invited.id)).toEqual(invited);
    expect(await users().findById(newId('org'), invited.id)).toBeNull();
    expect(await users().findByUserId(org, member.userId!)).toEqual(member);
    expect(await users().findByExternalId(org, invited.externalId!)).toEqual(invited);
    expect(await users().findInvitedByEmail(org, invited.email)).toEqual(invited);
    // a member's address is their account's: not found as an invited one
    expect(await users().findInvitedByEmail(org, member.email)).toBeNull();
    expect(await users().findByInvitation(org, invited.invitationId!)).toEqual(invited);
    expect(await users().findByInvitation(newId('org'), invited.invitationId!)).toBeNull();
  });

  it('lets one id, user and external id exist once per organization, and again in another', async () => {
    const [orgA, orgB] = [newId('org'), newId('org')];
    const userId = newId('usr');
    // a member's SCIM id may be their user id, the same in each of their organizations
    const a = scimUser(orgA, { id: userId, userId, externalId: 'ext-1' });
    await users().create(a);
    await users().create(scimUser(orgB, { id: userId, userId, externalId: 'ext-1' }));
    await expect(users().create(scimUser(orgA, { id: userId }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'id' });
    await expect(users().create(scimUser(orgA, { userId }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'user_id' });
    await expect(users().create(scimUser(orgA, { externalId: 'ext-1' }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'external_id' });
    // several people without an external id, or without a user yet, are fine
    await users().create(scimUser(orgA, { externalId: null }));
    await users().create(scimUser(orgA, { externalId: null }));
    expect((await users().findById(orgB, userId))!.organizationId).toBe(orgB);
  });

  it('keeps invited addresses unique per organization, but not members\' ones', async () => {
    const org = newId('org');
    const invited = scimUser(org);
    await users().create(invited);
    await expect(users().create(scimUser(org, { email: invited.email }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'email' });
    await users().create(scimUser(org, { email: invited.email, userId: newId('usr') }));
    await users().create(scimUser(newId('org'), { email: invited.email }));
    // once the invited person joined, the address may be invited again
    await users().update(org, invited.id, 1, { userId: newId('usr') });
    await users().create(scimUser(org, { email: invited.email }));
  });

  it('updates only from the version read: of concurrent updates on two connections exactly one wins', async () => {
    const org = newId('org');
    const u = scimUser(org);
    await users().create(u);
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) =>
      (n % 2 ? ctx.peer : ctx.store).scimUsers.update(org, u.id, 1, { roles: [`r${n}`], updatedAt: at() })));
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(await users().findById(org, u.id)).toEqual({ ...u, roles: winners[0]!.roles, version: 2, updatedAt: winners[0]!.updatedAt });
    expect(await users().update(org, u.id, 1, { displayName: 'late' })).toBeNull();
    expect(await users().update(org, 'scu_missing', 1, { displayName: 'x' })).toBeNull();
  });

  it('writes nulls, links a user, and refuses an update that would break a uniqueness', async () => {
    const org = newId('org');
    const u = scimUser(org);
    const other = scimUser(org);
    await users().create(u);
    await users().create(other);
    const userId = newId('usr');
    const linked = await users().update(org, u.id, 1, { userId, externalId: null, name: null, updatedAt: at() });
    expect(linked).toMatchObject({ userId, externalId: null, name: null, version: 2 });
    expect(await users().findInvitedByEmail(org, u.email)).toBeNull();
    await expect(users().update(org, other.id, 1, { userId })).rejects.toMatchObject({ name: 'UniqueViolation', field: 'user_id' });
    expect(await users().findById(org, other.id)).toEqual(other);
  });

  it('lists newest first and deletes', async () => {
    const org = newId('org');
    const made = [scimUser(org), scimUser(org), scimUser(org)];
    for (const u of made) await users().create(u);
    await users().create(scimUser(newId('org')));
    expect(await walk((p) => users().list(org, p), 2, (u) => u.id)).toEqual([...made].reverse());
    expect(await users().delete(org, made[0].id)).toBe(true);
    expect(await users().delete(org, made[0].id)).toBe(false);
    expect(await users().findById(org, made[0].id)).toBeNull();
  });
}
