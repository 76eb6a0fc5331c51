import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('organizations', () => {
  it('a server-scoped credential creates (201) and lists organizations', async () => {
    const created = await s.api().post('/v1/organizations').set('X-API-Key', s.serverKey).send({ slug: 'initech', name: 'Initech', plan: 'pro' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'organization', slug: 'initech', name: 'Initech', plan: 'pro', id: expect.stringMatching(/^org_/) });
    const list = await s.api().get('/v1/organizations?limit=1').set('X-API-Key', s.serverKey).expect(200);
    expect(list.body.data[0].slug).toBe('initech');
    expect(list.body.next_cursor).toEqual(expect.any(String));
  });

  it('a member reads its organization by slug or by id', async () => {
    const bySlug = await s.api().get('/v1/organizations/acme').set('X-API-Key', s.adminKey).expect(200);
    const byId = await s.api().get(`/v1/organizations/${s.org.id}`).set('X-API-Key', s.adminKey).expect(200);
    expect(bySlug.body).toEqual(byId.body);
    expect(bySlug.body).toMatchObject({ id: s.org.id, slug: 'acme', plan: 'free' });
  });

  it('renames an organization with organizations:write (its own credential or a server one); a server credential changes its plan', async () => {
    const renamed = await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({ name: 'Acme Rockets' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ object: 'organization', id: s.org.id, slug: 'acme', name: 'Acme Rockets', plan: 'free' });
    const planned = await s.api().patch(`/v1/organizations/${s.org.id}`).set('X-API-Key', s.serverKey).send({ plan: 'pro' });
    expect(planned.status).toBe(200);
    expect(planned.body).toMatchObject({ name: 'Acme Rockets', plan: 'pro' });
    const events = (await s.gatehouse.store.audit.list(s.org.id, { limit: 10 })).items.filter((e) => e.action === 'organization.updated');
    expect(events.map((e) => e.metadata)).toEqual([{ plan: 'pro', previous_plan: 'free' }, { name: 'Acme Rockets' }]);
    await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.serverKey).send({ plan: 'free' }).expect(200);
  });

  it('audits the creation', async () => {
    const events = (await s.gatehouse.store.audit.list(null, { limit: 50 })).items;
    expect(events.find((e) => e.action === 'organization.created')).toMatchObject({ actor: { type: 'api_key' }, target: { type: 'organization' } });
  });
});
