import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('organizations: scope', () => {
  it('an organization credential cannot create or list organizations (403 server_scope_required)', async () => {
    const create = await s.api().post('/v1/organizations').set('X-API-Key', s.adminKey).send({ slug: 'mine' });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('server_scope_required');
    await s.api().get('/v1/organizations').set('X-API-Key', s.adminKey).expect(403);
  });

  it('another organization is not found, not forbidden', async () => {
    const other = await seedOrganization(s.gatehouse, 'umbrella');
    const res = await s.api().get(`/v1/organizations/${other.id}`).set('X-API-Key', s.adminKey);
    expect(res.status).toBe(404);
    const missing = await s.api().get('/v1/organizations/does-not-exist').set('X-API-Key', s.adminKey);
    expect(res.body).toEqual(missing.body);
  });

  it('a server key without organizations:write cannot create one', async () => {
    const reader = await mintKey(s.gatehouse, null, ['organizations:read']);
    const res = await s.api().post('/v1/organizations').set('X-API-Key', reader.key).send({ slug: 'nope' });
    expect(res.status).toBe(403);
  });
});

describe('organizations: who changes a plan', () => {
  it('an organization credential may rename its organization but never change its plan (403 server_scope_required), nor touch another', async () => {
    const res = await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({ name: 'Mine', plan: 'pro' });
    expect([res.status, res.body.code]).toEqual([403, 'server_scope_required']);
    expect((await s.gatehouse.identity.organizations.resolve('acme'))).toMatchObject({ name: 'acme', plan: 'free' });
    const other = await seedOrganization(s.gatehouse, 'initrode');
    await s.api().patch(`/v1/organizations/${other.id}`).set('X-API-Key', s.adminKey).send({ name: 'x' }).expect(404);
    const reader = await mintKey(s.gatehouse, s.org.id, ['organizations:read', 'users:write']);
    expect((await s.api().patch('/v1/organizations/acme').set('X-API-Key', reader.key).send({ name: 'x' })).body.code).toBe('insufficient_scope');
  });

});

describe('organizations: a plan change by a server credential', () => {
  const r = seededSuite({ plans: { free: { platformPermissions: ['ledger:read'] } } });

  it('must hold the platform permissions it withdraws or gives (403 permission_escalation); a downgrade takes them from the organization\'s keys', async () => {
    const gh = r.gatehouse;
    await gh.identity.resources.create({ principal: 'operator' }, null, { identifier: 'https://plans.platform.test', permissions: ['ledger:read', 'ledger:post'] });
    const org = await seedOrganization(gh, 'plan-holder', 'pro');
    const key = await mintKey(gh, org.id, ['ledger:read', 'ledger:post']);
    const weak = await r.api().patch('/v1/organizations/plan-holder').set('X-API-Key', r.serverKey).send({ plan: 'free' });
    expect([weak.status, weak.body.code, weak.body.permissions]).toEqual([403, 'permission_escalation', ['ledger:post']]);
    expect((await gh.store.apiKeys.findById(key.id))!.permissions).toEqual(['ledger:read', 'ledger:post']);
    const holder = (await mintKey(gh, null, ['organizations:write', 'ledger:post'])).key;
    await r.api().patch('/v1/organizations/plan-holder').set('X-API-Key', holder).send({ plan: 'free' }).expect(200);
    expect((await gh.store.apiKeys.findById(key.id))!.permissions).toEqual(['ledger:read']);
  });
});
