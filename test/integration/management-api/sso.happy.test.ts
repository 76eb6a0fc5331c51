import { OPERATOR } from '../../../src/audit/actor.js';
import { seededSuite } from '../../support/seed.js';
import { providerSuite } from '../../support/sso.js';

const s = seededSuite({ sso: { allowPrivateNetworks: true } });
const provider = providerSuite(() => s.gatehouse.sso.redirectUri);

const connection = '/v1/organizations/acme/sso-connection';
const domains = '/v1/organizations/acme/domains';

describe('the SSO connection (idp:read / idp:write)', () => {
  it('connects a provider: 201 without the secret, its redirect URI to register, the secret sealed at rest, audited without it', async () => {
    const res = await s.api().post(connection).set('X-API-Key', s.adminKey)
      .send({ issuer: provider.idp.issuer, client_id: provider.client.clientId, client_secret: provider.client.clientSecret });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'sso_connection', organization: s.org.id, issuer: provider.idp.issuer, client_id: provider.client.clientId,
      redirect_uri: `${s.gatehouse.config.issuer}/sso/callback`, default_role: 'member', sso_required: false,
      created_by: expect.stringMatching(/^api_key:/), created_at: expect.any(String), updated_at: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain(provider.client.clientSecret);
    const stored = (await s.gatehouse.store.ssoConnections.find(s.org.id))!;
    expect(stored.sealedClientSecret).not.toContain(provider.client.clientSecret);
    expect(s.gatehouse.sso.connections.clientSecret(stored)).toBe(provider.client.clientSecret);
    const audit = (await s.gatehouse.audit.list(s.org.id, { limit: 5 })).items.find((e) => e.action === 'sso_connection.created')!;
    expect(audit.metadata).toEqual({ issuer: provider.idp.issuer, client_id: provider.client.clientId, default_role: 'member', sso_required: false });
    expect(JSON.stringify(audit)).not.toContain(provider.client.clientSecret);
  });

  it('reads it back, never with the secret', async () => {
    const res = await s.api().get(connection).set('X-API-Key', s.adminKey).expect(200);
    expect(res.body).toMatchObject({ object: 'sso_connection', issuer: provider.idp.issuer, client_id: provider.client.clientId });
    expect(JSON.stringify(res.body)).not.toContain(provider.client.clientSecret);
  });

  it('rotates the client secret by replacing it, and changes the default role and the requirement', async () => {
    await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'viewer', permissions: ['users:read'] });
    const rotated = await s.api().patch(connection).set('X-API-Key', s.adminKey).send({ client_secret: 'the new secret' }).expect(200);
    expect(JSON.stringify(rotated.body)).not.toContain('the new secret');
    expect(s.gatehouse.sso.connections.clientSecret((await s.gatehouse.store.ssoConnections.find(s.org.id))!)).toBe('the new secret');
    const changed = await s.api().patch(connection).set('X-API-Key', s.adminKey).send({ default_role: 'viewer', sso_required: true }).expect(200);
    expect(changed.body).toMatchObject({ default_role: 'viewer', sso_required: true });
    const audits = (await s.gatehouse.audit.list(s.org.id, { limit: 10 })).items.filter((e) => e.action === 'sso_connection.updated');
    expect(audits.map((e) => e.metadata)).toEqual([
      { changed: ['default_role', 'sso_required'], default_role: 'viewer', previous_default_role: 'member', sso_required: true },
      { changed: ['client_secret'] },
    ]);
  });

  it('disconnects it: 204, then 404, audited', async () => {
    await s.api().delete(connection).set('X-API-Key', s.adminKey).expect(204);
    await s.api().get(connection).set('X-API-Key', s.adminKey).expect(404);
    expect((await s.gatehouse.audit.list(s.org.id, { limit: 1 })).items[0]).toMatchObject({
      action: 'sso_connection.deleted', target: { type: 'sso_connection', id: s.org.id }, metadata: { issuer: provider.idp.issuer },
    });
  });
});

describe('email domains (idp:read / idp:write)', () => {
  it('claims a domain: 201 pending, with the TXT record to publish; lists, reads and withdraws it, audited', async () => {
    const claimed = await s.api().post(domains).set('X-API-Key', s.adminKey).send({ domain: 'Acme.Test' }).expect(201);
    expect(claimed.body).toEqual({
      object: 'domain', id: expect.stringMatching(/^dom_/), organization: s.org.id, domain: 'acme.test', status: 'pending',
      verification: { type: 'TXT', name: '_gatehouse-challenge.acme.test', value: expect.stringMatching(/^gatehouse-domain-verification=/) },
      verified_at: null, verified_by: null, created_by: expect.stringMatching(/^api_key:/), created_at: expect.any(String),
    });
    const listed = await s.api().get(domains).set('X-API-Key', s.adminKey).expect(200);
    expect(listed.body).toEqual({ data: [claimed.body], next_cursor: null });
    await s.api().get(`${domains}/${claimed.body.id}`).set('X-API-Key', s.adminKey).expect(200, claimed.body);
    await s.gatehouse.sso.domains.verify(OPERATOR, s.org.id, 'acme.test', 'operator');
    const verified = await s.api().get(`${domains}/${claimed.body.id}`).set('X-API-Key', s.adminKey).expect(200);
    expect(verified.body).toMatchObject({ status: 'verified', verified_by: 'operator', verified_at: expect.any(String) });
    await s.api().delete(`${domains}/${claimed.body.id}`).set('X-API-Key', s.adminKey).expect(204);
    await s.api().get(`${domains}/${claimed.body.id}`).set('X-API-Key', s.adminKey).expect(404);
    const actions = (await s.gatehouse.audit.list(s.org.id, { limit: 3 })).items.map((e) => [e.action, e.metadata]);
    expect(actions).toEqual([
      ['domain.deleted', { domain: 'acme.test', was_verified: true }], ['domain.verified', { domain: 'acme.test', method: 'operator' }],
      ['domain.claimed', { domain: 'acme.test' }],
    ]);
  });

  it('describes the routes in /openapi.json, each change marked as needing what every member holds', async () => {
    const doc = (await s.api().get('/openapi.json').expect(200)).body;
    for (const [path, method] of [['sso-connection', 'post'], ['sso-connection', 'patch'], ['sso-connection', 'delete'], ['domains', 'post'], ['domains/{id}', 'delete']]) {
      const op = doc.paths[`/v1/organizations/{org}/${path}`][method];
      expect(op).toMatchObject({ 'x-permission': 'idp:write', 'x-requires-member-permissions': true, tags: ['Single sign-on'] });
    }
    expect(doc.paths['/v1/organizations/{org}/sso-connection'].get['x-permission']).toBe('idp:read');
    expect(doc.paths['/v1/organizations/{org}/sso-connection'].post.requestBody.content['application/json'].schema.required)
      .toEqual(['issuer', 'client_id', 'client_secret']);
    // no route verifies a domain: the operator does, with the CLI
    expect(Object.keys(doc.paths).filter((p) => /domains.*verif|approve/.test(p))).toEqual([]);
  });
});
