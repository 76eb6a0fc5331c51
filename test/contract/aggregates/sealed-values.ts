import { newId } from '../../../src/domain/ids.js';
import { apiKey, at, client, factor, organization, outboxMail, scimToken } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Every sealed value and secret-recording digest, for `gatehouse secrets rewrap`. */
export function sealedValuesContract(ctx: StoreContext): void {
  const sealed = () => ctx.store.sealedValues;

  it('pages the sealed values of a kind in id order, skipping empty ones, from after a given id', async () => {
    const org = organization();
    await ctx.store.organizations.create(org);
    const ids = [newId('cli'), newId('cli'), newId('cli')].sort();
    for (const [i, id] of ids.entries()) await ctx.store.clients.create(client(org.id, { clientId: id, sealedSecret: `v1.s${i}`, previousSealedSecret: i === 1 ? 'v1.prev' : null }));
    await ctx.store.clients.create(client(org.id, { sealedSecret: null, tokenEndpointAuthMethod: 'none' }));
    expect(await sealed().page('client_secret', null, 2)).toEqual([{ id: ids[0], sealed: 'v1.s0' }, { id: ids[1], sealed: 'v1.s1' }]);
    expect(await sealed().page('client_secret', ids[1], 2)).toEqual([{ id: ids[2], sealed: 'v1.s2' }]);
    expect(await sealed().page('client_previous_secret', null, 10)).toEqual([{ id: ids[1], sealed: 'v1.prev' }]);
    const finished = outboxMail({ sealed: '' });
    const pending = outboxMail();
    await ctx.store.mailOutbox.enqueue(finished);
    await ctx.store.mailOutbox.enqueue(pending);
    expect(await sealed().page('mail', null, 10)).toEqual([{ id: pending.id, sealed: pending.sealed }]);
  });

  it('replaces a sealed value only while it is still the one read (compare-and-set), on any connection', async () => {
    const f = factor(newId('usr'), { type: 'totp', sealedSecret: 'v1.old', credentialId: null });
    await ctx.store.factors.create(f);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).sealedValues.replace('totp_secret', f.id, 'v1.old', `v1.new-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const [{ sealed: kept }] = await sealed().page('totp_secret', null, 10);
    expect(kept).toBe(`v1.new-${results.indexOf(true)}`);
    expect(await sealed().replace('totp_secret', f.id, 'v1.old', 'v1.late')).toBe(false);
    expect(await sealed().replace('console_session', newId('cs'), 'v1.x', 'v1.y')).toBe(false);
    const session = { id: newId('cs'), sealed: 'v1.sess', version: 3, createdAt: at(), expiresAt: at(-3_600_000) };
    await ctx.store.consoleSessions.create(session);
    expect(await sealed().replace('console_session', session.id, 'v1.sess', 'v1.rewrapped')).toBe(true);
    // the session's own compare-and-set (on its version) is not disturbed
    expect(await ctx.store.consoleSessions.find(session.id)).toEqual({ ...session, sealed: 'v1.rewrapped' });
  });

  it('counts the digests in use by the fingerprint they record, bare ones under ""', async () => {
    const org = organization();
    await ctx.store.organizations.create(org);
    for (const over of [{ digest: 'fpA00000.x1' }, { digest: 'fpA00000.x2' }, { digest: 'fpB00000.x3' }, { digest: 'bareDigest1' },
      { digest: 'fpA00000.revoked', revokedAt: at() }, { digest: 'fpA00000.expired', expiresAt: at(1000) }]) {
      await ctx.store.apiKeys.create(apiKey(org.id, over));
    }
    expect(await sealed().countDigests('api_key', new Date())).toEqual({ fpA00000: 2, fpB00000: 1, '': 1 });
    await ctx.store.scimTokens.create(scimToken(org.id, { digest: 'fpB00000.t1' }));
    await ctx.store.scimTokens.create(scimToken(org.id, { digest: 'fpB00000.t2', revokedAt: at() }));
    expect(await sealed().countDigests('scim_token', new Date())).toEqual({ fpB00000: 1 });
    const userId = newId('usr');
    await ctx.store.recoveryCodes.replace(userId, ['fpA00000.c1', 'fpA00000.c2', 'bareCode'], at());
    await ctx.store.recoveryCodes.consume(userId, 'fpA00000.c2', at());
    expect(await sealed().countDigests('recovery_code', new Date())).toEqual({ fpA00000: 1, '': 1 });
  });
}
