import { mintKey, seededSuite } from '../../support/seed.js';

const s = seededSuite();
const base = '/v1/organizations/acme/scim-tokens';

describe('SCIM tokens: create, list, get, revoke', () => {
  it('creates a token shown once with the SCIM base URL, then lists and gets it without the token or its digest', async () => {
    const created = await s.api().post(base).set('X-API-Key', s.adminKey).send({ name: 'Okta', permissions: ['users:read', 'users:write'], expires_in: '365d' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'scim_token', organization: s.org.id, name: 'Okta', permissions: ['users:read', 'users:write'], status: 'active',
      revoked_at: null, last_used_at: null, scim_base_url: `${s.gatehouse.config.issuer}/scim/v2`,
    });
    expect(created.body.token).toMatch(/^scim_[0-9A-Za-z]+$/);
    expect(created.body.token.startsWith(`scim_${created.body.start}`)).toBe(true);
    expect(Date.parse(created.body.expires_at) - Date.now()).toBeGreaterThan(364 * 86_400_000);
    expect(created.body.created_by).toMatch(/^api_key:key_/);

    const listed = await s.api().get(base).set('X-API-Key', s.adminKey).expect(200);
    expect(listed.body.data[0]).toMatchObject({ id: created.body.id, name: 'Okta' });
    expect(listed.body.next_cursor).toBeNull();
    const one = await s.api().get(`${base}/${created.body.id}`).set('X-API-Key', s.adminKey).expect(200);
    const { token, scim_base_url: _url, ...withoutToken } = created.body;
    expect(one.body).toEqual(withoutToken);
    for (const body of [listed.text, one.text]) {
      expect(body).not.toContain(token);
      expect(body).not.toContain('digest');
    }
    const stored = await s.gatehouse.store.scimTokens.findById(s.org.id, created.body.id);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('records when a token was last used, and stops it at once when revoked (audited)', async () => {
    const { body } = await s.api().post(base).set('X-API-Key', s.adminKey).send({ name: 'Entra', permissions: ['users:read'] }).expect(201);
    await s.api().get('/scim/v2/Users').set('Authorization', `Bearer ${body.token}`).expect(200);
    const used = await s.api().get(`${base}/${body.id}`).set('X-API-Key', s.adminKey).expect(200);
    expect(Date.now() - Date.parse(used.body.last_used_at)).toBeLessThan(60_000);

    await s.api().delete(`${base}/${body.id}`).set('X-API-Key', s.adminKey).expect(204);
    await s.api().get('/scim/v2/Users').set('Authorization', `Bearer ${body.token}`).expect(401);
    const revoked = await s.api().get(`${base}/${body.id}`).set('X-API-Key', s.adminKey).expect(200);
    expect(revoked.body.status).toBe('revoked');
    // revoking again changes nothing
    await s.api().delete(`${base}/${body.id}`).set('X-API-Key', s.adminKey).expect(204);
    const audit = await s.api().get('/v1/organizations/acme/audit-logs').set('X-API-Key', s.adminKey).expect(200);
    const actions = audit.body.data.filter((e: { target: { id: string } | null }) => e.target?.id === body.id).map((e: { action: string }) => e.action);
    expect(actions).toEqual(['scim_token.revoked', 'scim_token.created']);
  });

  it('reads with idp:read and writes with idp:write, which the management vocabulary now has', async () => {
    const reader = await mintKey(s.gatehouse, s.org.id, ['idp:read']);
    await s.api().get(base).set('X-API-Key', reader.key).expect(200);
    const writer = await mintKey(s.gatehouse, s.org.id, ['idp:write', 'users:read']);
    await s.api().post(base).set('X-API-Key', writer.key).send({ name: 'narrow', permissions: ['users:read'] }).expect(201);
    const vocabulary = await s.api().get('/v1/organizations/acme/vocabulary').set('X-API-Key', s.adminKey).expect(200);
    expect(vocabulary.body.permissions).toEqual(expect.arrayContaining(['idp:read', 'idp:write']));
  });
});
