import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('who may change an organization\'s requirement of a second factor', () => {
  it('takes every permission a member holds, either way (403 permission_escalation naming what the caller lacks)', async () => {
    await s.gatehouse.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
    await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'billing', permissions: ['invoices:read', 'invoices:write'] });
    await s.gatehouse.identity.users.create({ email: 'billing@acme.test', password: 'correct horse battery staple', organizationId: s.org.id, roles: ['billing'] });
    const weaker = (await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS)).key;
    for (const mfa_required of [true, false]) {
      const res = await s.api().patch('/v1/organizations/acme').set('X-API-Key', weaker).send({ mfa_required });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'permission_escalation', permissions: ['invoices:read', 'invoices:write'] });
    }
    expect((await s.gatehouse.store.organizations.findById(s.org.id))!.mfaRequired).toBe(false);
    const admin = (await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS, 'invoices:read', 'invoices:write'])).key;
    await s.api().patch('/v1/organizations/acme').set('X-API-Key', admin).send({ mfa_required: true }).expect(200);
    await s.api().patch('/v1/organizations/acme').set('X-API-Key', admin).send({ mfa_required: false }).expect(200);
  });

  it('refuses a test key (environment_escalation), a key without organizations:write, and another organization\'s key (404)', async () => {
    const test = (await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' })).key;
    expect((await s.api().patch('/v1/organizations/acme').set('X-API-Key', test).send({ mfa_required: true })).body.code).toBe('environment_escalation');
    const reader = (await mintKey(s.gatehouse, s.org.id, ['organizations:read'])).key;
    expect((await s.api().patch('/v1/organizations/acme').set('X-API-Key', reader).send({ mfa_required: true })).status).toBe(403);
    const other = await seedOrganization(s.gatehouse, 'globex');
    const foreign = (await mintKey(s.gatehouse, other.id)).key;
    expect((await s.api().patch('/v1/organizations/acme').set('X-API-Key', foreign).send({ mfa_required: true })).status).toBe(404);
    expect((await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({ mfa_required: 'yes' })).body.errors)
      .toEqual([expect.objectContaining({ field: 'mfa_required' })]);
  });
});
