import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('audit log: bad requests', () => {
  it.each(['0', '1000', 'x'])('answers 400 for limit=%s', async (limit) => {
    const res = await s.api().get(`/v1/organizations/acme/audit-logs?limit=${limit}`).set('X-API-Key', s.adminKey);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('limit');
  });

  it('answers 404 for an unknown organization', async () => {
    await s.api().get('/v1/organizations/nobody/audit-logs').set('X-API-Key', s.serverKey).expect(404);
  });
});
