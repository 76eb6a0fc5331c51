import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('an organization\'s vocabulary: who may read it', () => {
  it('needs resources:read (403), and another organization\'s is not found (404)', async () => {
    const without = (await mintKey(s.gatehouse, s.org.id, ['users:read'])).key;
    const refused = await s.api().get('/v1/organizations/acme/vocabulary').set('X-API-Key', without);
    expect([refused.status, refused.body.code]).toEqual([403, 'insufficient_scope']);
    const other = await seedOrganization(s.gatehouse, 'elsewhere');
    const outsider = (await mintKey(s.gatehouse, other.id, ['resources:read'])).key;
    expect((await s.api().get('/v1/organizations/acme/vocabulary').set('X-API-Key', outsider)).status).toBe(404);
    expect((await s.api().get('/v1/organizations/acme/vocabulary')).status).toBe(401);
  });
});
