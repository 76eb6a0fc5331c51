import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('an organization\'s requirement of a second factor', () => {
  it('is off by default, shown on the organization, and turned on and off with PATCH by an admin credential; each change audited', async () => {
    const read = await s.api().get('/v1/organizations/acme').set('X-API-Key', s.adminKey).expect(200);
    expect(read.body.mfa_required).toBe(false);
    const on = await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({ mfa_required: true }).expect(200);
    expect(on.body).toMatchObject({ object: 'organization', id: s.org.id, mfa_required: true });
    expect((await s.api().get('/v1/organizations/acme').set('X-API-Key', s.adminKey)).body.mfa_required).toBe(true);
    await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({ mfa_required: true }).expect(200);
    await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({ mfa_required: false }).expect(200);
    const events = (await s.gatehouse.audit.list(s.org.id, { limit: 20 })).items.filter((e) => e.action === 'organization.mfa_requirement_changed');
    expect(events.map((e) => e.metadata)).toEqual([{ mfa_required: false }, { mfa_required: true }]);
  });
});
