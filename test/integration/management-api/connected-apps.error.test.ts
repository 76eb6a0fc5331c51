import { OPERATOR } from '../../../src/audit/actor.js';
import { seededSuite } from '../../support/seed.js';

const s = seededSuite();
const as = () => ({ 'X-API-Key': s.adminKey });

describe('connected apps: bad requests', () => {
  it('answers 404 for an app no member authorized, an unknown client and an absurd id', async () => {
    const { client } = await s.gatehouse.oauth.clients.create(OPERATOR, s.org.id, { name: 'Unused', redirect_uris: ['https://u.example.com/cb'] });
    for (const id of [client.clientId, 'client_nope', 'x'.repeat(500)]) {
      const res = await s.api().delete(`/v1/organizations/acme/connected-apps/${id}`).set(as());
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/problem+json');
      await s.api().get(`/v1/organizations/acme/connected-apps/${id}`).set(as()).expect(404);
    }
  });

  it('answers 400 for a page size out of range', async () => {
    const res = await s.api().get('/v1/organizations/acme/connected-apps?limit=1000').set(as());
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});
