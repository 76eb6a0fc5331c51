import type { Gatehouse } from '../../../src/gatehouse.js';
import { HttpProblem } from '../../../src/http/problem.js';
import { createTestGatehouse } from '../../support/harness.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let gh: Gatehouse;
let orgId: string;
beforeAll(async () => {
  gh = await createTestGatehouse();
  orgId = (await gh.identity.organizations.create({ slug: 'clients-co' })).id;
});
afterAll(async () => { await gh.close(); });

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

const web = { name: 'Web', redirect_uris: ['https://app.example.com/cb'] };

describe('ClientService.create', () => {
  it('creates a confidential client with a 32-byte secret, stored only sealed', async () => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    expect(client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client).toMatchObject({
      organizationId: orgId, tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email offline_access', permissions: [],
    });
    const stored = await gh.store.clients.findById(client.clientId);
    expect(stored!.sealedSecret).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(client_secret!);
    expect(gh.secrets.unseal(stored!.sealedSecret!, `client:${client.clientId}`)).toBe(client_secret);
  });

  it('creates a public client with no secret and auth method none', async () => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, { ...web, public: true });
    expect(client_secret).toBeUndefined();
    expect(client).toMatchObject({ tokenEndpointAuthMethod: 'none', sealedSecret: null });
  });

  it('allows a client_credentials-only client without redirect URIs', async () => {
    const { client } = await gh.oauth.clients.create(OPERATOR, orgId, { name: 'Worker', grant_types: ['client_credentials'], permissions: ['users:read'] });
    expect(client).toMatchObject({ redirectUris: [], grantTypes: ['client_credentials'], permissions: ['users:read'] });
  });

  it.each([
    [{ ...web, name: '' }, 'name'],
    [{ ...web, redirect_uris: ['http://evil.example.com/cb'] }, 'redirect_uris[0]'],
    [{ ...web, redirect_uris: ['https://app.example.com/cb#x'] }, 'redirect_uris[0]'],
    [{ ...web, redirect_uris: [] }, 'redirect_uris'],
    [{ ...web, post_logout_redirect_uris: ['ftp://x'] }, 'post_logout_redirect_uris[0]'],
    [{ ...web, grant_types: ['implicit'] }, 'grant_types'],
    [{ ...web, grant_types: ['refresh_token'] }, 'grant_types'],
    [{ ...web, public: true, grant_types: ['client_credentials'] }, 'grant_types'],
    [{ ...web, scope: 'openid admin' }, 'scope'],
    [{ ...web, permissions: ['NotAPermission'] }, 'permissions[0]'],
  ])('refuses invalid input with 400 naming the field (%#)', async (input, field) => {
    const problem = await problemOf(gh.oauth.clients.create(OPERATOR, orgId, input as never));
    expect(problem.status).toBe(400);
    expect((problem.extra.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
  });

  it('answers 404 for an unknown organization', async () => {
    expect((await problemOf(gh.oauth.clients.create(OPERATOR, 'org_nope', web))).status).toBe(404);
  });
});

describe('ClientService lifecycle', () => {
  it('gets a client only within its organization', async () => {
    const other = await gh.identity.organizations.create({ slug: 'other-clients' });
    const { client } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    expect((await gh.oauth.clients.get(orgId, client.clientId)).clientId).toBe(client.clientId);
    expect((await problemOf(gh.oauth.clients.get(other.id, client.clientId))).status).toBe(404);
  });

  it('lists newest first with cursor paging', async () => {
    const org = await gh.identity.organizations.create({ slug: 'paging-clients' });
    for (const name of ['a', 'b', 'c']) await gh.oauth.clients.create(OPERATOR, org.id, { ...web, name });
    const first = await gh.oauth.clients.list(org.id, { limit: 2 });
    expect(first.items.map((c) => c.name)).toEqual(['c', 'b']);
    const second = await gh.oauth.clients.list(org.id, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((c) => c.name)).toEqual(['a']);
  });

  it('updates fields, re-validating the whole client', async () => {
    const { client } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    const updated = await gh.oauth.clients.update(OPERATOR, orgId, client.clientId, { name: 'Renamed', redirect_uris: ['https://new.example.com/cb'] });
    expect(updated).toMatchObject({ name: 'Renamed', redirectUris: ['https://new.example.com/cb'] });
    expect((await problemOf(gh.oauth.clients.update(OPERATOR, orgId, client.clientId, { redirect_uris: [] }))).status).toBe(400);
  });

  it('rotates the secret: the new one verifies, the old one no longer does', async () => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    const rotated = await gh.oauth.clients.rotateSecret(OPERATOR, orgId, client.clientId);
    expect(rotated.client_secret).not.toBe(client_secret);
    expect(await gh.oauth.clients.verifySecret(client.clientId, client_secret!)).toBeNull();
    expect((await gh.oauth.clients.verifySecret(client.clientId, rotated.client_secret))?.clientId).toBe(client.clientId);
  });

  it('refuses to rotate a public client\'s secret', async () => {
    const { client } = await gh.oauth.clients.create(OPERATOR, orgId, { ...web, public: true });
    expect((await problemOf(gh.oauth.clients.rotateSecret(OPERATOR, orgId, client.clientId))).code).toBe('public_client');
  });

  it('deletes a client; a second delete is 404', async () => {
    const { client } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    await gh.oauth.clients.delete(OPERATOR, orgId, client.clientId);
    expect(await gh.store.clients.findById(client.clientId)).toBeNull();
    expect((await problemOf(gh.oauth.clients.delete(OPERATOR, orgId, client.clientId))).status).toBe(404);
  });
});

describe('ClientService.verifySecret', () => {
  it('answers null for a wrong secret, an unknown client and a public client', async () => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    const pub = await gh.oauth.clients.create(OPERATOR, orgId, { ...web, public: true });
    expect(await gh.oauth.clients.verifySecret(client.clientId, `${client_secret}x`)).toBeNull();
    expect(await gh.oauth.clients.verifySecret('client_unknown', client_secret!)).toBeNull();
    expect(await gh.oauth.clients.verifySecret(pub.client.clientId, '')).toBeNull();
    expect((await gh.oauth.clients.verifySecret(client.clientId, client_secret!))?.clientId).toBe(client.clientId);
  });
});

describe('ClientService.toJSON', () => {
  it('gives the snake_case API shape without any secret', async () => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, web);
    const json = gh.oauth.clients.toJSON(client);
    expect(Object.keys(json).sort()).toEqual([
      'client_id', 'created_at', 'dpop_bound_access_tokens', 'grant_types', 'jwks', 'jwks_uri', 'multi_organization', 'name', 'organization_id', 'permissions',
      'post_logout_redirect_uris', 'previous_secret_expires_at', 'public', 'redirect_uris', 'require_pushed_authorization_requests',
      'scope', 'token_endpoint_auth_method', 'updated_at',
    ]);
    expect(JSON.stringify(json)).not.toContain(client_secret);
    expect(JSON.stringify(json)).not.toContain(client.sealedSecret);
    expect(json).not.toHaveProperty('client_secret');
  });
});
