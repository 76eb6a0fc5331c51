import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { ConsoleSessions } from '../../../src/console/session/sessions.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { rewrapSecrets } from '../../../src/secret-rotation/rewrap.js';
import { secretSealContext } from '../../../src/webhooks/signing.js';
import { sealContext as ssoSealContext } from '../../../src/sso/connections.js';
import { createTestGatehouse } from '../../support/harness.js';
import { mintKey } from '../../support/seed.js';

const A = randomBytes(32).toString('base64url');
const B = randomBytes(32).toString('base64url');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-rotation-'));
const databaseUrl = `sqlite:${join(dir, 'gatehouse.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Gatehouse on the same database file with these secrets ("a restart"). */
const start = (secret: string, secretPrevious: string[] = []) => createTestGatehouse({ databaseUrl, secret, secretPrevious }, { backgroundWork: false });

interface Made {
  orgId: string; userId: string; email: string; apiKey: string; clientId: string; clientSecret: string; webhookId: string; webhookSecret: string;
  ssoClientSecret: string; scimToken: string; factorId: string; totpSecret: string; recoveryCodes: string[]; consoleCookie: string; kid: string;
}

/** One of everything, made under the current secret. */
async function makeEverything(gh: Gatehouse): Promise<Made> {
  const org = await gh.identity.organizations.create({ slug: 'acme' });
  const email = 'ada@acme.test';
  const { user } = await gh.identity.users.create({ email, password: 'correct horse battery staple', organizationId: org.id, roles: ['admin'] });
  const { key: apiKey } = await mintKey(gh, org.id, ['users:read'], { name: 'backend' });
  const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, {
    name: 'App', redirect_uris: ['http://127.0.0.1:9/cb'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], permissions: ['users:read'],
  });
  const webhook = await gh.webhooks.endpoints.create(OPERATOR, org.id, { url: 'https://hooks.example.com/in', events: ['api_key.created'] });
  // stored as the SSO service stores it (creating one through the service discovers a live provider)
  const ssoClientSecret = 'idp-client-secret';
  const now = new Date();
  await gh.store.ssoConnections.create({
    organizationId: org.id, issuer: 'https://idp.example.com', clientId: 'gatehouse', sealedClientSecret: gh.secrets.seal(ssoClientSecret, ssoSealContext(org.id)),
    defaultRole: 'member', required: false, createdBy: 'cli', version: 1, createdAt: now, updatedAt: now,
  });
  const { token: scimToken } = await gh.scim.tokens.create(OPERATOR, org.id, { name: 'Okta', permissions: ['users:read'] });
  const enrolment = await gh.accounts.totp.start({ id: user.id, email });
  const recoveryCodes = await gh.accounts.recoveryCodes.generate(user.id);
  const { cookie } = await new ConsoleSessions(gh.store.consoleSessions, gh.secrets).create({ userId: user.id } as never);
  return {
    orgId: org.id, userId: user.id, email, apiKey, clientId: client.clientId, clientSecret: client_secret!, webhookId: webhook.endpoint.id,
    webhookSecret: webhook.secret, ssoClientSecret, scimToken, factorId: enrolment.factor.id, totpSecret: enrolment.secret, recoveryCodes,
    consoleCookie: cookie, kid: gh.oauth.signingKeys.active()!.kid,
  };
}

/** What still works, each through the path that serves it. */
async function works(gh: Gatehouse, made: Made, recoveryCode: string) {
  const endpoint = await gh.store.webhookEndpoints.findById(made.orgId, made.webhookId);
  const webhookOpens = (() => {
    try { return gh.secrets.unseal(endpoint!.sealedSecret, secretSealContext(made.webhookId)) === made.webhookSecret; } catch { return false; }
  })();
  const connection = await gh.store.ssoConnections.find(made.orgId);
  return {
    signingKey: gh.oauth.signingKeys.active()?.kid === made.kid,
    apiKey: (await gh.resourceServer.checkApiKey(made.apiKey)).ok,
    clientSecret: (await gh.oauth.clients.verifySecret(made.clientId, made.clientSecret)) !== null,
    webhookSecret: webhookOpens,
    ssoClientSecret: (() => {
      try { return gh.sso.connections.clientSecret(connection!) === made.ssoClientSecret; } catch { return false; }
    })(),
    scimToken: (await gh.scim.tokens.authenticate(made.scimToken, null)) !== null,
    totp: (await gh.accounts.totp.reopen({ id: made.userId, email: made.email }, made.factorId))?.secret === made.totpSecret,
    recoveryCode: await gh.accounts.recoveryCodes.use(made.userId, recoveryCode),
    consoleSession: (await new ConsoleSessions(gh.store.consoleSessions, gh.secrets).load(made.consoleCookie)) !== null,
  };
}

const ALL = { signingKey: true, apiKey: true, clientSecret: true, webhookSecret: true, ssoClientSecret: true, scimToken: true, totp: true, recoveryCode: true, consoleSession: true };

describe('rotating GATEHOUSE_SECRET', () => {
  let made: Made;

  it('made under A, everything still works with current B and previous A', async () => {
    const a = await start(A);
    made = await makeEverything(a);
    expect(await works(a, made, made.recoveryCodes[0])).toEqual(ALL);
    await a.close();
    const b = await start(B, [A]);
    try {
      expect(await works(b, made, made.recoveryCodes[1])).toEqual(ALL);
    } finally {
      await b.close();
    }
  });

  it('rewrap re-seals every sealed value under B, counts what still needs A, and is idempotent', async () => {
    const b = await start(B, [A]);
    try {
      const dry = await rewrapSecrets({ store: b.store.sealedValues, secrets: b.secrets, dryRun: true });
      expect(dry.sealed.webhook_secret).toEqual({ current: 0, rewrapped: 1, changedMeanwhile: 0, unreadable: 0 });
      const first = await rewrapSecrets({ store: b.store.sealedValues, secrets: b.secrets });
      for (const kind of ['client_secret', 'signing_key', 'webhook_secret', 'totp_secret', 'console_session', 'sso_client_secret'] as const) {
        expect(first.sealed[kind].rewrapped).toBeGreaterThanOrEqual(1);
        expect(first.sealed[kind].unreadable).toBe(0);
      }
      const a = b.secrets.previous[0].fingerprint;
      expect(first.digests.api_key).toEqual({ current: 0, previous: [{ position: 1, fingerprint: a, count: 1 }], unknownSecret: 0, unrecorded: 0 });
      expect(first.digests.scim_token.previous[0].count).toBe(1);
      expect(first.digests.recovery_code.previous[0].count).toBe(8);
      const again = await rewrapSecrets({ store: b.store.sealedValues, secrets: b.secrets });
      for (const counts of Object.values(again.sealed)) expect(counts.rewrapped).toBe(0);
      expect(await works(b, made, made.recoveryCodes[2])).toEqual(ALL);
    } finally {
      await b.close();
    }
  });

  it('after rewrap, B alone opens every sealed value; what was digested under A (rotate it first) no longer verifies', async () => {
    const b = await start(B);
    try {
      expect(await works(b, made, made.recoveryCodes[3])).toEqual({ ...ALL, apiKey: false, scimToken: false, recoveryCode: false, consoleSession: false });
      const report = await rewrapSecrets({ store: b.store.sealedValues, secrets: b.secrets, dryRun: true });
      expect(report.digests.api_key).toMatchObject({ current: 0, unknownSecret: 1 });
    } finally {
      await b.close();
    }
  });
});
