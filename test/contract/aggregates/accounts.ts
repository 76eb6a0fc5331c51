import { newId } from '../../../src/domain/ids.js';
import { accountToken, at, factor, organization, user } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const inAnHour = () => new Date(Date.now() + 3_600_000);

/** Accounts: verified emails, MFA-requiring organizations, single-use links and challenges, factors, recovery codes, a person's OIDC payloads. */
export function accountsContract(ctx: StoreContext): void {
  describe('verified emails and required MFA', () => {
    it('keeps a user\'s emailVerified and changes it by update', async () => {
      const u = user({ emailVerified: false });
      await ctx.store.users.create(u);
      expect(await ctx.store.users.findById(u.id)).toEqual(u);
      expect(await ctx.store.users.update(u.id, { emailVerified: true })).toEqual({ ...u, emailVerified: true });
      expect((await ctx.peer.users.findByEmail(u.email))!.emailVerified).toBe(true);
    });

    it('keeps an organization\'s mfaRequired and changes only it by update', async () => {
      const org = organization({ mfaRequired: false });
      await ctx.store.organizations.create(org);
      expect(await ctx.store.organizations.update(org.id, { mfaRequired: true })).toEqual({ ...org, mfaRequired: true });
      expect(await ctx.store.organizations.update(org.id, { name: 'Renamed' })).toEqual({ ...org, mfaRequired: true, name: 'Renamed' });
    });
  });

  describe('account tokens', () => {
    const tokens = () => ctx.store.accountTokens;

    it('finds a token by digest, field for field; refuses a second with the same digest', async () => {
      const t = accountToken({ kind: 'webauthn_authentication', userId: null, binding: 'interaction-uid' });
      await tokens().create(t);
      expect(await tokens().findByDigest(t.digest)).toEqual(t);
      expect(await tokens().findByDigest('nothing')).toBeNull();
      await expect(tokens().create(accountToken({ digest: t.digest }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'digest' });
    });

    it('is consumed once (the token as it was comes back), never when expired', async () => {
      const t = accountToken();
      const expired = accountToken({ expiresAt: at(1000) });
      await tokens().create(t);
      await tokens().create(expired);
      const now = at();
      expect(await tokens().consume(t.digest, now)).toEqual(t);
      expect(await tokens().consume(t.digest, now)).toBeNull();
      expect((await tokens().findByDigest(t.digest))!.usedAt).toEqual(now);
      expect(await tokens().consume(expired.digest, now)).toBeNull();
      expect(await tokens().consume('nothing', now)).toBeNull();
    });

    it('of 10 concurrent consumers on two connections, exactly one gets the token', async () => {
      const t = accountToken();
      await tokens().create(t);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? ctx.peer : ctx.store).accountTokens.consume(t.digest, at())));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('revokes every unused token of one kind of one person, and nothing else', async () => {
      const userId = newId('usr');
      const mine = [accountToken({ userId }), accountToken({ userId })];
      const otherKind = accountToken({ userId, kind: 'email_verification' });
      const someoneElse = accountToken();
      for (const t of [...mine, otherKind, someoneElse]) await tokens().create(t);
      expect(await tokens().revokeAll(userId, 'password_reset', at())).toBe(2);
      for (const t of mine) expect(await tokens().consume(t.digest, at())).toBeNull();
      expect(await tokens().consume(otherKind.digest, at())).not.toBeNull();
      expect(await tokens().consume(someoneElse.digest, at())).not.toBeNull();
    });

    it('sweeps expired tokens away and keeps live ones', async () => {
      const expired = accountToken({ expiresAt: at(1000) });
      const live = accountToken();
      await tokens().create(expired);
      await tokens().create(live);
      await ctx.store.sweepExpired(new Date());
      expect(await tokens().findByDigest(expired.digest)).toBeNull();
      expect(await tokens().findByDigest(live.digest)).toEqual(live);
    });
  });

  describe('factors', () => {
    const factors = () => ctx.store.factors;

    it('finds a factor by id within its person and by credential id; lists a person\'s oldest first', async () => {
      const userId = newId('usr');
      const totp = factor(userId, { type: 'totp', credentialId: null, publicKey: null, transports: [], sealedSecret: 'v1.sealed', confirmedAt: null });
      const passkey = factor(userId);
      await factors().create(totp);
      await factors().create(passkey);
      await factors().create(factor(newId('usr')));
      expect(await factors().findById(userId, totp.id)).toEqual(totp);
      expect(await factors().findById(newId('usr'), totp.id)).toBeNull();
      expect(await factors().findByCredentialId(passkey.credentialId!)).toEqual(passkey);
      expect(await factors().findByCredentialId('nothing')).toBeNull();
      expect(await factors().listByUser(userId)).toEqual([totp, passkey]);
    });

    it('refuses a passkey whose credential id another factor has, and allows many TOTP factors without one', async () => {
      const first = factor(newId('usr'));
      await factors().create(first);
      await expect(factors().create(factor(newId('usr'), { credentialId: first.credentialId })))
        .rejects.toMatchObject({ name: 'UniqueViolation', field: 'credential_id' });
      const userId = newId('usr');
      await factors().create(factor(userId, { type: 'totp', credentialId: null }));
      await factors().create(factor(userId, { type: 'totp', credentialId: null }));
      expect(await factors().listByUser(userId)).toHaveLength(2);
    });

    it('confirms a pending factor once, setting its counter', async () => {
      const userId = newId('usr');
      const pending = factor(userId, { type: 'totp', credentialId: null, confirmedAt: null });
      await factors().create(pending);
      const now = at();
      expect(await factors().confirm(newId('usr'), pending.id, 5, now)).toBe(false);
      expect(await factors().confirm(userId, pending.id, 5, now)).toBe(true);
      expect(await factors().confirm(userId, pending.id, 6, now)).toBe(false);
      expect(await factors().findById(userId, pending.id)).toEqual({ ...pending, confirmedAt: now, counter: 5 });
    });

    it('advances a counter only from the value read; of concurrent advances from one value, one wins', async () => {
      const f = factor(newId('usr'), { counter: 10 });
      await factors().create(f);
      const now = at();
      expect(await factors().advance(f.id, 9, 11, now)).toBe(false);
      expect(await factors().advance(f.id, 10, 11, now)).toBe(true);
      expect(await factors().findById(f.userId, f.id)).toEqual({ ...f, counter: 11, lastUsedAt: now });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? ctx.peer : ctx.store).factors.advance(f.id, 11, 12 + i, at())));
      expect(results.filter(Boolean)).toHaveLength(1);
      // an authenticator without a counter stays at 0: advancing 0 to 0 still answers true
      const zero = factor(newId('usr'), { counter: 0 });
      await factors().create(zero);
      expect(await factors().advance(zero.id, 0, 0, now)).toBe(true);
      expect(await factors().advance(zero.id, 0, 0, now)).toBe(true);
    });

    it('deletes one factor of its person, and the pending ones of a type', async () => {
      const userId = newId('usr');
      const kept = factor(userId, { type: 'totp', credentialId: null });
      const pending = [factor(userId, { type: 'totp', credentialId: null, confirmedAt: null }), factor(userId, { type: 'totp', credentialId: null, confirmedAt: null })];
      const passkey = factor(userId, { confirmedAt: null });
      for (const f of [kept, ...pending, passkey]) await factors().create(f);
      expect(await factors().deletePending(userId, 'totp')).toBe(2);
      expect((await factors().listByUser(userId)).map((f) => f.id)).toEqual([kept.id, passkey.id]);
      expect(await factors().delete(newId('usr'), kept.id)).toBe(false);
      expect(await factors().delete(userId, kept.id)).toBe(true);
      expect(await factors().delete(userId, kept.id)).toBe(false);
    });
  });

  describe('recovery codes', () => {
    const codes = () => ctx.store.recoveryCodes;

    it('uses each code once; replacing the set retires the old codes', async () => {
      const userId = newId('usr');
      await codes().replace(userId, ['a', 'b', 'c'], at());
      expect(await codes().countUnused(userId)).toBe(3);
      expect(await codes().consume(userId, 'b', at())).toBe(true);
      expect(await codes().consume(userId, 'b', at())).toBe(false);
      expect(await codes().consume(newId('usr'), 'a', at())).toBe(false);
      expect(await codes().countUnused(userId)).toBe(2);
      await codes().replace(userId, ['d', 'e'], at());
      expect(await codes().consume(userId, 'a', at())).toBe(false);
      expect(await codes().countUnused(userId)).toBe(2);
      await codes().deleteAll(userId);
      expect(await codes().countUnused(userId)).toBe(0);
      expect(await codes().consume(userId, 'd', at())).toBe(false);
    });

    it('of 10 concurrent uses of one code on two connections, exactly one succeeds', async () => {
      const userId = newId('usr');
      await codes().replace(userId, ['x', 'y'], at());
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? ctx.peer : ctx.store).recoveryCodes.consume(userId, 'x', at())));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await codes().countUnused(userId)).toBe(1);
    });
  });

  describe("a person's OIDC payloads", () => {
    it('are revoked together, across models, leaving other people\'s and nested mentions alone', async () => {
      const accountId = newId('usr');
      const ids = { session: newId('t'), grant: newId('t'), refresh: newId('t'), other: newId('t'), interaction: newId('t') };
      await ctx.store.oidc.upsert('Session', ids.session, { accountId, uid: ids.session }, inAnHour());
      await ctx.store.oidc.upsert('Grant', ids.grant, { accountId, clientId: 'c' }, inAnHour());
      await ctx.store.oidc.upsert('RefreshToken', ids.refresh, { accountId, grantId: 'g' }, null);
      await ctx.store.oidc.upsert('RefreshToken', ids.other, { accountId: newId('usr'), grantId: 'h' }, inAnHour());
      await ctx.store.oidc.upsert('Interaction', ids.interaction, { session: { accountId } }, inAnHour());
      expect(await ctx.store.oidc.revokeByAccountId(accountId)).toBe(3);
      expect(await ctx.store.oidc.find('Session', ids.session)).toBeNull();
      expect(await ctx.store.oidc.find('Grant', ids.grant)).toBeNull();
      expect(await ctx.store.oidc.find('RefreshToken', ids.refresh)).toBeNull();
      expect(await ctx.store.oidc.find('RefreshToken', ids.other)).not.toBeNull();
      expect(await ctx.store.oidc.find('Interaction', ids.interaction)).not.toBeNull();
      expect(await ctx.peer.oidc.revokeByAccountId(accountId)).toBe(0);
    });
  });
}
