import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const as = () => ({ 'X-API-Key': s.adminKey });

describe('resources', () => {
  it('registers an API (201) whose permissions join the vocabulary, then updates and deletes it', async () => {
    const created = await s.api().post('/v1/organizations/acme/resources').set(as())
      .send({ identifier: 'https://invoices.acme.test', name: 'Invoices', permissions: ['invoices:read', 'invoices:write'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'resource', identifier: 'https://invoices.acme.test', name: 'Invoices' });
    const list = await s.api().get('/v1/organizations/acme/resources').set(as()).expect(200);
    expect(list.body.data).toHaveLength(1);
    // the operator can now mint keys with the new permissions
    const { record } = await s.gatehouse.apiKeys.create({ principal: 'operator' }, s.org.id, { name: 'inv', permissions: ['invoices:read'] });
    expect(record.permissions).toEqual(['invoices:read']);
    await s.api().get(`/v1/organizations/acme/resources/${created.body.id}`).set(as()).expect(200);
    // from now on it is changed and deleted by callers holding its permissions
    await s.api().patch(`/v1/organizations/acme/resources/${created.body.id}`).set(as()).send({ name: 'Billing' }).expect(403);
    const holder = { 'X-API-Key': (await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS, 'invoices:read', 'invoices:write'])).key };
    const patched = await s.api().patch(`/v1/organizations/acme/resources/${created.body.id}`).set(holder).send({ name: 'Billing' }).expect(200);
    expect(patched.body.name).toBe('Billing');
    await s.api().delete(`/v1/organizations/acme/resources/${created.body.id}`).set(as()).expect(403);
    await s.api().delete(`/v1/organizations/acme/resources/${created.body.id}`).set(holder).expect(204);
  });
});
