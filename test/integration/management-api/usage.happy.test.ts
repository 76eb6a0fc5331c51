import { mintKey, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('usage: requests by outcome and units, per hour or day', () => {
  it("counts the management API's own requests per key and hour, by outcome, and shows them per organization or key", async () => {
    const reader = await mintKey(s.gatehouse, s.org.id, ['organizations:read', 'api_keys:read'], { name: 'reader' });
    await s.api().get('/v1/organizations/acme').set('X-API-Key', reader.key).expect(200);
    await s.api().get('/v1/organizations/acme').set('X-API-Key', reader.key).expect(200);
    await s.api().get('/v1/organizations/acme/users').set('X-API-Key', reader.key).expect(403); // lacks users:read: denied
    await s.api().post('/v1/organizations/acme/api-keys').set('X-API-Key', reader.key).send({}).expect(403); // read-only key: denied
    const res = await s.api().get(`/v1/organizations/acme/usage?granularity=hour&key_id=${reader.id}`).set('X-API-Key', reader.key).expect(200);
    const hour = res.body.data.at(-1);
    expect(res.body.data).toHaveLength(24);
    expect(hour.start).toBe(new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString());
    // the two reads, and this usage read itself
    expect(hour).toEqual({ start: hour.start, requests: { ok: 3, denied: 2, rate_limited: 0 }, units: 0 });
    const org = await s.api().get('/v1/organizations/acme/usage?granularity=day').set('X-API-Key', s.adminKey).expect(200);
    expect(org.body.data).toHaveLength(30);
    expect(org.body.data.at(-1).requests.ok).toBeGreaterThanOrEqual(3);
  });

  it('takes a range rounded down to whole periods, `to` exclusive', async () => {
    const res = await s.api().get('/v1/organizations/acme/usage?granularity=day&from=2030-01-01T05:00:00Z&to=2030-01-04')
      .set('X-API-Key', s.adminKey).expect(200);
    expect(res.body.data.map((p: { start: string }) => p.start)).toEqual(['2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z', '2030-01-03T00:00:00.000Z']);
  });

  it("shows the plan's quota on the organization object: units, used this month, reset time", async () => {
    const res = await s.api().get('/v1/organizations/acme').set('X-API-Key', s.adminKey).expect(200);
    const now = new Date();
    expect(res.body.plan).toBe('free');
    expect(res.body.quota).toEqual({
      units: 5000, used: 0, period_start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
      resets_at: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    });
  });
});
