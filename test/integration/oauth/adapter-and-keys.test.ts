import { errors } from 'oidc-provider';
import { createAdapterClass } from '../../../src/oauth/adapter.js';
import { createOAuth } from '../../../src/oauth/index.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { createTestGatehouse, testConfig } from '../../support/harness.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let gh: Gatehouse;
beforeAll(async () => { gh = await createTestGatehouse(); });
afterAll(async () => { await gh.close(); });

const Adapter = () => createAdapterClass({ store: gh.store, secrets: gh.secrets, clients: gh.oauth.clients, idTokenAlg: () => 'RS256', events: gh.events });

describe('the oidc-provider adapter over store.oidc', () => {
  it('stores, finds and destroys payloads per model, with expiry from expiresIn', async () => {
    const sessions = new (Adapter())('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'a' });
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a' });
    expect(await new (Adapter())('AccessToken').find('s1')).toBeUndefined();
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
    const expiring = new (Adapter())('Interaction');
    await expiring.upsert('i1', { x: 1 }, -1);
    expect(await expiring.find('i1')).toBeUndefined();
  });

  it('lets exactly one consume of a refresh token win; the loser gets InvalidGrant and the grant is revoked', async () => {
    const tokens = new (Adapter())('RefreshToken');
    const grants = new (Adapter())('Grant');
    await grants.upsert('g1', { accountId: 'a', clientId: 'c' }, 600);
    await tokens.upsert('rt1', { grantId: 'g1', kind: 'RefreshToken' }, 600);
    await tokens.upsert('rt2', { grantId: 'g1', kind: 'RefreshToken' }, 600);
    const outcomes = await Promise.allSettled([tokens.consume('rt1'), tokens.consume('rt1')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(errors.InvalidGrant);
    expect(await tokens.find('rt2')).toBeUndefined();
    expect(await grants.find('g1')).toBeUndefined();
  });

  it('serves clients from the registry with the secret unsealed in memory and the organization as metadata', async () => {
    const org = await gh.identity.organizations.create({ slug: 'adapter-co' });
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'A', redirect_uris: ['https://a.example/cb'] });
    const metadata = await new (Adapter())('Client').find(client.clientId);
    expect(metadata).toMatchObject({ client_id: client.clientId, client_secret, organization_id: org.id, token_endpoint_auth_method: 'client_secret_basic' });
    await expect(new (Adapter())('Client').upsert('x', {}, 1)).rejects.toThrow(/ClientService/);
  });
});

describe('signing keys', () => {
  it('generates one key at first start, sealed in the store, and reuses it on the next start', async () => {
    const stored = await gh.store.signingKeys.list();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ alg: 'RS256', retiredAt: null });
    expect(stored[0].sealedPrivateJwk).toMatch(/^v1\./);
    expect(JSON.stringify(stored[0].publicJwk)).not.toContain('"d"');
    const again = await createOAuth({ config: gh.config, store: gh.store, secrets: gh.secrets, logger: gh.logger, identity: gh.identity, events: gh.events, accounts: gh.accounts, keyPollMs: 0 });
    expect(again.signingKeys.active()!.kid).toBe(stored[0].kid);
    expect(await gh.store.signingKeys.list()).toHaveLength(1);
    await again.close();
  });

  it('publishes only public parts and gives the provider the private ones, signing key first', async () => {
    const pub = gh.oauth.signingKeys.publicJwks().keys[0];
    const priv = gh.oauth.signingKeys.privateJwks().keys[0];
    expect(pub).toMatchObject({ kid: priv.kid, alg: 'RS256', use: 'sig', kty: 'RSA' });
    expect(pub.d).toBeUndefined();
    expect(priv.d).toBeDefined();
  });

  it.each(['ES256', 'EdDSA'] as const)('generates %s keys when configured', async (alg) => {
    const other = await createTestGatehouse({ oauth: { ...gh.config.oauth, signingAlg: alg } });
    expect(other.oauth.signingKeys.active()!.alg).toBe(alg);
    expect(other.oauth.signingKeys.publicJwks().keys[0].kty).toBe(alg === 'ES256' ? 'EC' : 'OKP');
    await other.close();
  });

  it('fails with a clear message when the secret cannot unseal the stored keys', async () => {
    const wrong = testConfig();
    await expect(createOAuth({ config: wrong, store: gh.store, secrets: new Secrets(wrong.secret), logger: gh.logger, identity: gh.identity, events: gh.events, accounts: gh.accounts, keyPollMs: 0 }))
      .rejects.toThrow(/neither GATEHOUSE_SECRET nor GATEHOUSE_SECRET_PREVIOUS is the secret that sealed it/);
  });
});

describe('production guards', () => {
  it('refuses an in-memory store in production', async () => {
    const config = { ...gh.config, nodeEnv: 'production' as const, databaseUrl: 'sqlite::memory:' };
    await expect(createOAuth({ config, store: gh.store, secrets: gh.secrets, logger: gh.logger, identity: gh.identity, events: gh.events, accounts: gh.accounts, keyPollMs: 0 }))
      .rejects.toThrow(/in-memory/);
  });

  it('refuses dev interactions in production', async () => {
    const config = { ...gh.config, nodeEnv: 'production' as const, databaseUrl: 'sqlite:./x.db', oauth: { ...gh.config.oauth, devInteractions: true } };
    await expect(createOAuth({ config, store: gh.store, secrets: gh.secrets, logger: gh.logger, identity: gh.identity, events: gh.events, accounts: gh.accounts, keyPollMs: 0 }))
      .rejects.toThrow(/devInteractions/);
  });
});
