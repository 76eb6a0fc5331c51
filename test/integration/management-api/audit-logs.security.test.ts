import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('audit log: access', () => {
  it('needs audit:read (403 naming it) and hides other organizations (404)', async () => {
    const noAudit = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS.filter((p) => p !== 'audit:read'));
    const res = await s.api().get('/v1/organizations/acme/audit-logs').set('X-API-Key', noAudit.key);
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('audit:read');
    const other = await seedOrganization(s.gatehouse, 'tyrell');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get('/v1/organizations/acme/audit-logs').set('X-API-Key', key).expect(404);
  });

  it("shows an organization only its own events", async () => {
    const other = await seedOrganization(s.gatehouse, 'cyberdyne');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    const res = await s.api().get('/v1/organizations/cyberdyne/audit-logs?limit=100').set('X-API-Key', key).expect(200);
    for (const e of res.body.data) expect(e.organization).toBe(other.id);
    expect(res.body.data.map((e: { action: string }) => e.action)).toContain('api_key.created');
  });

  it('drops secret-looking metadata even when a caller passes it', async () => {
    const event = await s.gatehouse.audit.record({
      organizationId: s.org.id, action: 'test.secrets', caller: null,
      metadata: { key: 'ak_live_x', client_secret: 's', password: 'p', digest: 'd', token: 't', name: 'kept' },
    });
    expect(event.metadata).toEqual({ name: 'kept' });
  });

  it('audits failed authentications only when a credential was presented', async () => {
    const count = async () => (await s.gatehouse.store.audit.list(null, { limit: 200 })).items.filter((e) => e.action === 'auth.failed').length;
    const before = await count();
    await s.api().get('/v1/organizations/acme/users').expect(401);
    await s.api().get('/v1/organizations/acme/users').set('Authorization', 'Bearer ak_live_nope').expect(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(before + 1);
  });
});
