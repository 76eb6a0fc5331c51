import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('audit log', () => {
  it('records who did what to which object, when and from where, newest first with cursor paging', async () => {
    const { body: key } = await s.api().post('/v1/organizations/acme/api-keys').set('X-API-Key', s.adminKey)
      .send({ name: 'audited', permissions: ['api_keys:read'] }).expect(201);
    await s.api().delete(`/v1/organizations/acme/api-keys/${key.id}`).set('X-API-Key', s.adminKey).expect(204);
    const first = await s.api().get('/v1/organizations/acme/audit-logs?limit=1').set('X-API-Key', s.adminKey).expect(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({
      action: 'api_key.revoked', organization: s.org.id, target: { type: 'api_key', id: key.id },
      actor: { type: 'api_key', id: expect.stringMatching(/^key_/) }, ip: expect.any(String), at: expect.any(String),
    });
    const second = await s.api().get(`/v1/organizations/acme/audit-logs?limit=1&cursor=${first.body.next_cursor}`).set('X-API-Key', s.adminKey).expect(200);
    expect(second.body.data[0]).toMatchObject({ action: 'api_key.created', target: { id: key.id }, metadata: { name: 'audited' } });
  });

  it('shows server-level events (failed authentications) to server credentials', async () => {
    await s.api().get('/v1/organizations/acme/users').set('X-API-Key', 'ak_live_forged').expect(401);
    await new Promise((r) => setTimeout(r, 50));
    const res = await s.api().get('/v1/audit-logs').set('X-API-Key', s.serverKey).expect(200);
    expect(res.body.data[0]).toMatchObject({ action: 'auth.failed', organization: null, actor: { type: 'anonymous', id: null } });
    await s.api().get('/v1/audit-logs').set('X-API-Key', s.adminKey).expect(403);
  });
});
