import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('usage: who may read it', () => {
  it('needs organizations:read (403 naming it), and api_keys:read as well for one key', async () => {
    const none = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS.filter((p) => p !== 'organizations:read'));
    const res = await s.api().get('/v1/organizations/acme/usage').set('X-API-Key', none.key).expect(403);
    expect(res.body.detail).toContain('organizations:read');
    const orgOnly = await mintKey(s.gatehouse, s.org.id, ['organizations:read']);
    await s.api().get('/v1/organizations/acme/usage').set('X-API-Key', orgOnly.key).expect(200);
    const perKey = await s.api().get(`/v1/organizations/acme/usage?key_id=${orgOnly.id}`).set('X-API-Key', orgOnly.key).expect(403);
    expect(perKey.body.code).toBe('insufficient_scope');
  });

  it("answers 404 for another organization, and for another organization's key", async () => {
    const other = await seedOrganization(s.gatehouse, 'tyrell');
    const theirs = await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS);
    await s.api().get('/v1/organizations/acme/usage').set('X-API-Key', theirs.key).expect(404);
    await s.api().get('/v1/organizations/tyrell/usage').set('X-API-Key', s.adminKey).expect(404);
    const res = await s.api().get(`/v1/organizations/acme/usage?key_id=${theirs.id}`).set('X-API-Key', s.adminKey).expect(404);
    expect(res.type).toBe('application/problem+json');
    await s.api().get('/v1/organizations/acme/usage').expect(401);
  });

  it('refuses bad input with 400 problems naming the field, never a 500', async () => {
    const bad = async (query: string, field: string) => {
      const res = await s.api().get(`/v1/organizations/acme/usage?${query}`).set('X-API-Key', s.adminKey);
      expect({ status: res.status, type: res.type }).toEqual({ status: 400, type: 'application/problem+json' });
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad('granularity=minute', 'granularity');
    await bad('from=yesterday', 'from');
    await bad('granularity=hour&from=2030-01-01&to=2030-03-01', 'from');
    await bad('granularity=day&from=2030-01-01&to=2032-01-01', 'from');
    await bad('from=2030-01-02&to=2030-01-01', 'from');
    await bad('to=2030-13-45', 'to');
    await bad('surprise=1', 'surprise');
  });

  it('lets a server-scoped credential read any organization', async () => {
    await s.api().get('/v1/organizations/acme/usage').set('X-API-Key', s.serverKey).expect(200);
  });
});
