import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { FederatedAccounts } from '../../../src/sso/federated-accounts.js';
import type { UpstreamIdentity } from '../../../src/sso/relying-party.js';
import type { Organization, SsoConnection } from '../../../src/store/ports.js';
import { createTestGatehouse } from '../../support/harness.js';
import { PASSWORD } from '../../support/oauth.js';

/*
 * Who an identity provider's word signs in, and the takeover paths that stay closed:
 *
 * 1. A provider vouching for an address outside its organization's verified domains (another
 *    organization's, or one nobody verified): refused, nothing made.
 * 2. A provider that does not vouch for the address itself (`email_verified` false or absent) or
 *    names none: refused.
 * 3. A domain verified for organization B, asserted through organization A's provider: refused
 *    (the domain must be verified for the connection's own organization).
 * 4. An existing account at a verified domain: linked (the organization owns the domain: whoever
 *    receives its mail could reset the password anyway). It keeps its password, its other
 *    memberships and their roles; it joins only with the default role, never more.
 * 5. Pre-registration: someone signed up the victim's address (unverified) with a password of
 *    theirs. The first sign-in through the provider reclaims the account: password, second
 *    factors, recovery codes, pending links and sessions cleared, so its maker holds nothing.
 * 6. A disabled account stays out; a disabled member stays disabled (no sign-in re-enables).
 * 7. A default role deleted behind the connection's back: refused, no membership with an
 *    unknown role.
 * 8. Two first sign-ins at once: one account, one membership.
 * Second factors of a person's own are never skipped on the provider's word (see sign-in.ts: `fed`
 * only, unless the person has none).
 */
let gh: Gatehouse;
let acme: Organization;
let globex: Organization;
let connection: SsoConnection;
let accounts: FederatedAccounts;
const ip = '203.0.113.7';

const upstream = (email: string | null, over: Partial<UpstreamIdentity> = {}): UpstreamIdentity =>
  ({ issuer: 'https://idp.acme.test', subject: newId('sub'), email, emailVerified: true, name: 'Someone', amr: [], ...over });

beforeAll(async () => {
  gh = await createTestGatehouse({}, { backgroundWork: false });
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  globex = await gh.identity.organizations.create({ slug: 'globex' });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  await gh.identity.roles.create(OPERATOR, acme.id, { name: 'temp', permissions: ['users:read'] });
  for (const [org, domain] of [[acme, 'acme.test'], [globex, 'globex.test']] as const) {
    await gh.sso.domains.claim(OPERATOR, org.id, domain);
    await gh.sso.domains.verify(OPERATOR, org.id, domain, 'operator');
  }
  await gh.sso.domains.claim(OPERATOR, acme.id, 'pending.test');
  // stored directly: no provider is asked anything here
  connection = {
    organizationId: acme.id, issuer: 'https://idp.acme.test', clientId: 'c', sealedClientSecret: 'unused', defaultRole: 'member',
    required: false, createdBy: 'cli', version: 1, createdAt: new Date(), updatedAt: new Date(),
  };
  await gh.store.ssoConnections.create(connection);
  accounts = new FederatedAccounts({ store: gh.store, members: gh.identity.members, audit: gh.audit });
});
afterAll(() => gh.close());

const refusals = async () => (await gh.audit.list(acme.id, { limit: 50 })).items.filter((e) => e.action === 'sso.sign_in_refused');

describe('who an identity provider signs in', () => {
  it('refuses an address outside the organization\'s verified domains, another organization\'s included, making nothing', async () => {
    for (const email of ['ceo@globex.test', 'someone@pending.test', 'someone@nowhere.test']) {
      expect(await accounts.signIn(connection, upstream(email), ip)).toEqual({ ok: false, reason: 'domain_not_verified' });
      expect(await gh.store.users.findByEmail(email)).toBeNull();
    }
    expect((await refusals())[0]).toMatchObject({ actor: { type: 'anonymous' }, ip, metadata: { reason: 'domain_not_verified', email: 'someone@nowhere.test' } });
  });

  it('refuses an address the provider does not vouch for, and an answer without one', async () => {
    expect(await accounts.signIn(connection, upstream('new@acme.test', { emailVerified: false }), ip)).toEqual({ ok: false, reason: 'email_unverified' });
    expect(await accounts.signIn(connection, upstream(null), ip)).toEqual({ ok: false, reason: 'email_missing' });
    expect(await accounts.signIn(connection, upstream('not an address'), ip)).toEqual({ ok: false, reason: 'email_missing' });
    expect(await gh.store.users.findByEmail('new@acme.test')).toBeNull();
  });

  it('links an existing account: its password, other memberships and roles stay; it joins with the default role only', async () => {
    const { user } = await gh.identity.users.create({ email: 'ada@acme.test', password: PASSWORD, organizationId: globex.id, roles: ['admin'] });
    const outcome = await accounts.signIn(connection, upstream('ADA@acme.test'), ip);
    expect(outcome).toMatchObject({ ok: true, created: false, joined: true, reclaimed: false, user: { id: user.id } });
    expect(await gh.store.memberships.find(acme.id, user.id)).toMatchObject({ roles: ['member'] });
    expect(await gh.store.memberships.find(globex.id, user.id)).toMatchObject({ roles: ['admin'] });
    expect((await gh.identity.users.verifyPassword('ada@acme.test', PASSWORD))?.id).toBe(user.id);
    // an admin of acme keeps being admin
    const owner = (await gh.store.users.findByEmail('owner@acme.test'))!;
    expect(await accounts.signIn(connection, upstream('owner@acme.test'), ip)).toMatchObject({ ok: true, joined: false });
    expect(await gh.store.memberships.find(acme.id, owner.id)).toMatchObject({ roles: ['admin'] });
  });

  it('reclaims an account someone signed up at the address without receiving its mail: nothing of theirs survives', async () => {
    // as self sign-up leaves it until the address is confirmed
    const { user } = await gh.identity.users.create({ email: 'victim@acme.test', password: 'the squatter password', emailVerified: false });
    await gh.store.factors.create({
      id: newId('fac'), userId: user.id, type: 'totp', name: 'squatter phone', sealedSecret: 'x', credentialId: null, publicKey: null,
      transports: [], counter: 0, confirmedAt: new Date(), createdAt: new Date(), lastUsedAt: null,
    });
    await gh.store.recoveryCodes.replace(user.id, ['d1', 'd2'], new Date());
    await gh.store.oidc.upsert('Session', 'squatter-session', { accountId: user.id }, new Date(Date.now() + 3600_000));
    await gh.store.accountTokens.create({
      id: newId('tok'), kind: 'password_reset', userId: user.id, digest: `d-${newId('x')}`, binding: null, createdAt: new Date(),
      expiresAt: new Date(Date.now() + 600_000), usedAt: null,
    });
    const outcome = await accounts.signIn(connection, upstream('victim@acme.test'), ip);
    expect(outcome).toMatchObject({ ok: true, created: false, joined: true, reclaimed: true, user: { id: user.id, emailVerified: true } });
    expect(await gh.identity.users.verifyPassword('victim@acme.test', 'the squatter password')).toBeNull();
    expect(await gh.store.users.findById(user.id)).toMatchObject({ passwordHash: '', emailVerified: true });
    expect(await gh.store.factors.listByUser(user.id)).toEqual([]);
    expect(await gh.store.recoveryCodes.countUnused(user.id)).toBe(0);
    expect(await gh.store.oidc.find('Session', 'squatter-session')).toBeNull();
    const audit = (await gh.audit.list(acme.id, { limit: 10 })).items.find((e) => e.action === 'sso.signed_in' && e.target?.id === user.id);
    expect(audit?.metadata).toMatchObject({ reclaimed: true, created: false });
  });

  it('keeps a disabled account out, and a disabled member disabled', async () => {
    const { user } = await gh.identity.users.create({ email: 'gone@acme.test', password: PASSWORD });
    await gh.store.users.update(user.id, { disabled: true });
    expect(await accounts.signIn(connection, upstream('gone@acme.test'), ip)).toEqual({ ok: false, reason: 'account_disabled' });
    const { user: benched } = await gh.identity.users.create({ email: 'benched@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
    await gh.identity.members.update(OPERATOR, acme.id, benched.id, { disabled: true });
    expect(await accounts.signIn(connection, upstream('benched@acme.test'), ip)).toMatchObject({ ok: true, joined: false });
    expect(await gh.store.memberships.find(acme.id, benched.id)).toMatchObject({ disabled: true });
    expect(await gh.identity.permissions.permissionsIn(acme.id, benched.id)).toBeNull();
  });

  it('refuses to make a member with a default role that no longer exists', async () => {
    await gh.store.ssoConnections.update(acme.id, connection.version, { defaultRole: 'temp' });
    await gh.identity.roles.delete(OPERATOR, acme.id, 'temp');
    const withDeleted = (await gh.store.ssoConnections.find(acme.id))!;
    expect(await accounts.signIn(withDeleted, upstream('late@acme.test'), ip)).toEqual({ ok: false, reason: 'role_unavailable' });
    const late = await gh.store.users.findByEmail('late@acme.test');
    expect(late && (await gh.store.memberships.find(acme.id, late.id))).toBeFalsy();
    connection = (await gh.store.ssoConnections.update(acme.id, withDeleted.version, { defaultRole: 'member' }))!;
  });

  it('makes one account and one membership of two first sign-ins at once', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => accounts.signIn(connection, upstream('twins@acme.test'), ip)));
    const ids = new Set(outcomes.map((o) => (o.ok ? o.user.id : 'refused')));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((o) => o.ok && o.created)).toHaveLength(1);
    const members = (await gh.store.memberships.listByOrganization(acme.id, { limit: 200 })).items.filter((m) => m.userId === [...ids][0]);
    expect(members).toHaveLength(1);
  });
});
