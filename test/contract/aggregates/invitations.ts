import { newId } from '../../../src/domain/ids.js';
import { at, invitation, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Invitations: single-use links, accepted or revoked exactly once. */
export function invitationsContract(ctx: StoreContext): void {
  const invitations = () => ctx.store.invitations;

  it('finds an invitation by id within its organization and by token digest, and lists newest first', async () => {
    const org = newId('org');
    const made = [invitation(org, { roles: ['admin', 'billing'] }), invitation(org), invitation(org)];
    for (const i of made) await invitations().create(i);
    await invitations().create(invitation(newId('org')));
    expect(await invitations().findById(org, made[0].id)).toEqual(made[0]);
    expect(await invitations().findById(newId('org'), made[0].id)).toBeNull();
    expect(await invitations().findByTokenDigest(made[1].tokenDigest)).toEqual(made[1]);
    expect(await invitations().findByTokenDigest('nothing')).toBeNull();
    expect(await walk((p) => invitations().list(org, p), 2, (i) => i.id)).toEqual([...made].reverse());
  });

  it('refuses a second invitation with the same token digest with UniqueViolation("token_digest")', async () => {
    const first = invitation(newId('org'));
    await invitations().create(first);
    await expect(invitations().create(invitation(newId('org'), { tokenDigest: first.tokenDigest })))
      .rejects.toMatchObject({ name: 'UniqueViolation', field: 'token_digest' });
  });

  it('accepts a pending invitation once; never a revoked or expired one', async () => {
    const org = newId('org');
    const pending = invitation(org);
    const revoked = invitation(org);
    const expired = invitation(org, { expiresAt: at(1000) });
    for (const i of [pending, revoked, expired]) await invitations().create(i);
    const now = at();
    expect(await invitations().revoke(revoked.id, now)).toBe(true);
    expect(await invitations().revoke(revoked.id, now)).toBe(false);
    expect(await invitations().accept(revoked.id, 'usr_1', now)).toBe(false);
    expect(await invitations().accept(expired.id, 'usr_1', now)).toBe(false);
    expect(await invitations().accept(pending.id, 'usr_1', now)).toBe(true);
    expect(await invitations().accept(pending.id, 'usr_2', now)).toBe(false);
    expect(await invitations().revoke(pending.id, now)).toBe(false);
    expect(await invitations().findById(org, pending.id)).toEqual({ ...pending, acceptedAt: now, acceptedBy: 'usr_1' });
    expect(await invitations().findById(org, revoked.id)).toEqual({ ...revoked, revokedAt: now });
  });

  it('of 10 concurrent accepts of one invitation, on two connections, exactly one wins', async () => {
    const i = invitation(newId('org'));
    await invitations().create(i);
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) =>
      (n % 2 ? ctx.peer : ctx.store).invitations.accept(i.id, `usr_${n}`, at())));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await invitations().findById(i.organizationId, i.id))!.acceptedBy).toBe(`usr_${results.indexOf(true)}`);
  });
}
