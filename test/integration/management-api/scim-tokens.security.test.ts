import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';
import { createScimToken } from '../../support/scim.js';

const s = seededSuite();
const base = '/v1/organizations/acme/scim-tokens';

describe('SCIM tokens: no escalation, no other organization, no other use', () => {
  it('a creator gives a token only permissions it holds itself (403 permission_escalation, nothing stored)', async () => {
    const creator = await mintKey(s.gatehouse, s.org.id, ['idp:write', 'idp:read', 'users:read']);
    const res = await s.api().post(base).set('X-API-Key', creator.key).send({ name: 'wide', permissions: ['users:read', 'users:write'] });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'permission_escalation', permissions: ['users:write'] });
    const listed = await s.api().get(base).set('X-API-Key', creator.key).expect(200);
    expect(listed.body.data.filter((t: { name: string }) => t.name === 'wide')).toEqual([]);
  });

  it('revoking a token needs every permission it holds', async () => {
    const { id } = await createScimToken(s.gatehouse, 'acme', s.adminKey, MANAGEMENT_PERMISSIONS);
    const weaker = await mintKey(s.gatehouse, s.org.id, ['idp:write', 'idp:read', 'users:read', 'users:write']);
    const res = await s.api().delete(`${base}/${id}`).set('X-API-Key', weaker.key);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('permission_escalation');
    expect((await s.gatehouse.store.scimTokens.findById(s.org.id, id))!.revokedAt).toBeNull();
  });

  it('test credentials may neither create nor revoke a token (environment_escalation)', async () => {
    const test = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    const created = await s.api().post(base).set('X-API-Key', test.key).send({ name: 't', permissions: ['users:read'] });
    expect(created.status).toBe(403);
    expect(created.body.code).toBe('environment_escalation');
    const { id } = await createScimToken(s.gatehouse, 'acme', s.adminKey, ['users:read']);
    const revoked = await s.api().delete(`${base}/${id}`).set('X-API-Key', test.key);
    expect(revoked.body.code).toBe('environment_escalation');
  });

  it('without idp:read or idp:write the routes are refused (403 insufficient_scope)', async () => {
    const key = await mintKey(s.gatehouse, s.org.id, ['users:read', 'users:write']);
    await s.api().get(base).set('X-API-Key', key.key).expect(403);
    await s.api().post(base).set('X-API-Key', key.key).send({ name: 'x', permissions: ['users:read'] }).expect(403);
  });

  it("another organization's tokens do not exist for a caller (404), and its credentials reach none here", async () => {
    const { id } = await createScimToken(s.gatehouse, 'acme', s.adminKey, ['users:read']);
    const other = await seedOrganization(s.gatehouse, 'umbrella');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get(`${base}/${id}`).set('X-API-Key', key).expect(404);
    await s.api().delete(`${base}/${id}`).set('X-API-Key', key).expect(404);
    await s.api().get(`/v1/organizations/umbrella/scim-tokens/${id}`).set('X-API-Key', key).expect(404);
  });

  it('a SCIM token is no credential for the management API, the resource server or introspection', async () => {
    const { token } = await createScimToken(s.gatehouse, 'acme', s.adminKey);
    for (const headers of [{ Authorization: `Bearer ${token}` }, { 'X-API-Key': token }]) {
      const res = await s.api().get('/v1/organizations/acme/users').set(headers);
      expect(res.status).toBe(401);
    }
    expect((await s.gatehouse.resourceServer.checkApiKey(token)).ok).toBe(false);
    expect(await s.gatehouse.resourceServer.checkAccessToken(token)).toBeNull();
    const rs = await s.gatehouse.oauth.clients.create(OPERATOR, s.org.id, { name: 'api', grant_types: ['client_credentials'], redirect_uris: [], permissions: ['users:read'] });
    const introspected = await s.api().post('/token/introspection').type('form')
      .send({ token, client_id: rs.client.clientId, client_secret: rs.client_secret });
    expect(introspected.status).toBe(200);
    expect(introspected.body).toEqual({ active: false });
  });

  it('the tokens a member created end when they are disabled or removed, with those their keys created', async () => {
    const gh = s.gatehouse;
    const { user } = await gh.identity.users.create({ email: 'it@acme.test', password: 'a long enough password', organizationId: s.org.id, roles: ['admin'] });
    const asUser = { principal: { type: 'user' as const, subject: user.id, organization: s.org.id, environment: null, permissions: [...MANAGEMENT_PERMISSIONS] } };
    const own = await gh.scim.tokens.create(asUser, s.org.id, { name: 'mine', permissions: ['users:read'] });
    const { record: key } = await gh.apiKeys.create(asUser, s.org.id, { name: 'k', permissions: [...MANAGEMENT_PERMISSIONS] });
    const viaKey = await gh.scim.tokens.create({ principal: { type: 'api_key', subject: key.id, organization: s.org.id, environment: 'live', permissions: [...MANAGEMENT_PERMISSIONS] } },
      s.org.id, { name: 'via key', permissions: ['users:read'] });
    const unrelated = await createScimToken(gh, 'acme', s.adminKey, ['users:read']);
    await gh.identity.members.update(OPERATOR, s.org.id, user.id, { disabled: true });
    const status = async (id: string) => gh.scim.tokens.status((await gh.store.scimTokens.findById(s.org.id, id))!);
    expect(await status(own.record.id)).toBe('revoked');
    expect(await status(viaKey.record.id)).toBe('revoked');
    expect(await status(unrelated.id)).toBe('active');
    const audit = await gh.audit.list(s.org.id, { limit: 50 });
    expect(audit.items.find((e) => e.action === 'scim_token.revoked' && e.target?.id === own.record.id)?.metadata)
      .toMatchObject({ reason: 'creator_disabled', owner: `user:${user.id}` });
    await s.api().get('/scim/v2/Users').set('Authorization', `Bearer ${own.token}`).expect(401);
  });

  it('a permission that leaves the vocabulary leaves the SCIM tokens holding it', async () => {
    const gh = s.gatehouse;
    const resource = await gh.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
    const { record } = await gh.scim.tokens.create(OPERATOR, s.org.id, { name: 'billing', permissions: ['users:read', 'invoices:write'] });
    await gh.identity.resources.delete(OPERATOR, s.org.id, resource.id);
    expect((await gh.store.scimTokens.findById(s.org.id, record.id))!.permissions).toEqual(['users:read']);
  });
});
