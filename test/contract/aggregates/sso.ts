import { newId } from '../../../src/domain/ids.js';
import { at, emailDomain, ssoConnection, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Organizations' identity providers: one per organization, updated by compare-and-set. */
export function ssoConnectionsContract(ctx: StoreContext): void {
  const connections = () => ctx.store.ssoConnections;

  it('tells whether any organization has a connection, and finds it by organization', async () => {
    expect(await connections().any()).toBe(false);
    const c = ssoConnection(newId('org'));
    await connections().create(c);
    expect(await connections().any()).toBe(true);
    expect(await ctx.peer.ssoConnections.any()).toBe(true);
    expect(await connections().find(c.organizationId)).toEqual(c);
    expect(await connections().find(newId('org'))).toBeNull();
    expect(await connections().delete(c.organizationId)).toBe(true);
    expect(await connections().delete(c.organizationId)).toBe(false);
    expect(await connections().any()).toBe(false);
  });

  it('refuses a second connection of one organization with UniqueViolation("organization_id")', async () => {
    const c = ssoConnection(newId('org'));
    await connections().create(c);
    await expect(connections().create(ssoConnection(c.organizationId))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'organization_id' });
    expect(await connections().find(c.organizationId)).toEqual(c);
  });

  it('updates only from the version read, keeping the fields the patch leaves, and raises the version', async () => {
    const c = ssoConnection(newId('org'));
    await connections().create(c);
    const later = at();
    const updated = await connections().update(c.organizationId, 1, { required: true, defaultRole: 'billing', updatedAt: later, issuer: undefined });
    expect(updated).toEqual({ ...c, required: true, defaultRole: 'billing', updatedAt: later, version: 2 });
    expect(await connections().find(c.organizationId)).toEqual(updated);
    expect(await connections().update(c.organizationId, 1, { required: false })).toBeNull();
    expect(await connections().update(newId('org'), 1, { required: false })).toBeNull();
    expect(await connections().find(c.organizationId)).toEqual(updated);
  });

  it('lets exactly one of concurrent updates from one version win, on two connections', async () => {
    const c = ssoConnection(newId('org'));
    await connections().create(c);
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) =>
      (n % 2 ? ctx.peer : ctx.store).ssoConnections.update(c.organizationId, 1, { clientId: `client-${n}` })));
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(await connections().find(c.organizationId)).toEqual({ ...c, clientId: winners[0]!.clientId, version: 2 });
  });
}

/** Email domains: claimed once per organization, verified for one organization at most. */
export function emailDomainsContract(ctx: StoreContext): void {
  const domains = () => ctx.store.emailDomains;

  it('finds a claim by id and by domain within its organization, and lists newest first', async () => {
    const org = newId('org');
    const made = [emailDomain(org), emailDomain(org), emailDomain(org, { verifiedAt: at(), verifiedBy: 'dns' })];
    for (const d of made) await domains().create(d);
    await domains().create(emailDomain(newId('org')));
    expect(await domains().findById(org, made[1].id)).toEqual(made[1]);
    expect(await domains().findById(newId('org'), made[1].id)).toBeNull();
    expect(await domains().findByDomain(org, made[0].domain)).toEqual(made[0]);
    expect(await domains().findByDomain(newId('org'), made[0].domain)).toBeNull();
    expect(await walk((p) => domains().list(org, p), 2, (d) => d.id)).toEqual([...made].reverse());
  });

  it('refuses a second claim of one domain by one organization, and lets other organizations claim it while it is pending', async () => {
    const first = emailDomain(newId('org'));
    await domains().create(first);
    await expect(domains().create(emailDomain(first.organizationId, { domain: first.domain }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'domain' });
    const other = emailDomain(newId('org'), { domain: first.domain });
    await domains().create(other);
    expect(await domains().findByDomain(other.organizationId, first.domain)).toEqual(other);
    expect(await domains().findVerified(first.domain)).toBeNull();
  });

  it('verifies a claim once, and never a second organization\'s claim of a verified domain', async () => {
    const mine = emailDomain(newId('org'));
    const theirs = emailDomain(newId('org'), { domain: mine.domain });
    await domains().create(mine);
    await domains().create(theirs);
    const when = at();
    expect(await domains().verify(mine.id, 'operator', when)).toEqual({ ...mine, verifiedAt: when, verifiedBy: 'operator' });
    expect(await domains().verify(mine.id, 'dns', at())).toBeNull();
    await expect(domains().verify(theirs.id, 'dns', at())).rejects.toMatchObject({ name: 'UniqueViolation', field: 'verified_domain' });
    expect(await domains().findById(theirs.organizationId, theirs.id)).toEqual(theirs);
    expect(await domains().findVerified(mine.domain)).toEqual({ ...mine, verifiedAt: when, verifiedBy: 'operator' });
    await expect(domains().create(emailDomain(newId('org'), { domain: mine.domain, verifiedAt: at(), verifiedBy: 'dns' })))
      .rejects.toMatchObject({ name: 'UniqueViolation', field: 'verified_domain' });
    expect(await domains().verify(newId('dom'), 'dns', at())).toBeNull();
  });

  it('lets another organization verify the domain once the verified claim is deleted', async () => {
    const mine = emailDomain(newId('org'), { verifiedAt: at(), verifiedBy: 'dns' });
    const theirs = emailDomain(newId('org'), { domain: mine.domain });
    await domains().create(mine);
    await domains().create(theirs);
    expect(await domains().delete(theirs.organizationId, mine.id)).toBe(false);
    expect(await domains().delete(mine.organizationId, mine.id)).toBe(true);
    expect(await domains().findVerified(mine.domain)).toBeNull();
    expect((await domains().verify(theirs.id, 'dns', at()))?.organizationId).toBe(theirs.organizationId);
  });

  it('lets exactly one of concurrent verifications of two organizations\' claims win, on two connections', async () => {
    const claims = Array.from({ length: 4 }, () => emailDomain(newId('org')));
    for (const c of claims) c.domain = claims[0].domain;
    for (const c of claims) await domains().create(c);
    const outcomes = await Promise.allSettled(claims.map((c, n) => (n % 2 ? ctx.peer : ctx.store).emailDomains.verify(c.id, 'dns', at())));
    const won = outcomes.filter((o) => o.status === 'fulfilled' && o.value !== null);
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ name: 'UniqueViolation', field: 'verified_domain' });
    const verified = await domains().findVerified(claims[0].domain);
    expect(verified?.id).toBe((won[0] as PromiseFulfilledResult<{ id: string }>).value.id);
  });
}
