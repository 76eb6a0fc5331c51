import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, problemFields, seededSuite } from '../../support/seed.js';

const s = seededSuite();
let owner: string;
beforeAll(async () => {
  await s.gatehouse.identity.organizations.update(OPERATOR, s.org.id, { plan: 'pro' });
  owner = (await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS)).key;
});

const as = (key: string) => ({ 'X-API-Key': key });
const create = (body: object) => s.api().post('/v1/organizations/acme/api-keys').set(as(owner)).send({ name: 'svc', permissions: ['users:read'], ...body });
const patch = (id: string, body: object) => s.api().patch(`/v1/organizations/acme/api-keys/${id}`).set(as(owner)).send(body);
const auditOf = async (id: string) => (await s.api().get('/v1/organizations/acme/audit-logs?limit=100').set(as(owner)).expect(200)).body.data
  .filter((e: { target: { id: string } | null }) => e.target?.id === id);
/** a problem body without what differs per request */
const stable = ({ instance: _i, request_id: _r, ...rest }: Record<string, unknown>) => rest;

describe('API key metadata', () => {
  it('is set at creation, returned on the key, replaced by PATCH and cleared with {}', async () => {
    const { body: key } = await create({ metadata: { customer: 'c_1', tier: 2, beta: true } }).expect(201);
    expect(key.metadata).toEqual({ customer: 'c_1', tier: 2, beta: true });
    expect((await s.api().get(`/v1/organizations/acme/api-keys/${key.id}`).set(as(owner)).expect(200)).body.metadata).toEqual(key.metadata);
    expect((await patch(key.id, { metadata: { customer: 'c_2' } }).expect(200)).body.metadata).toEqual({ customer: 'c_2' });
    expect((await patch(key.id, { metadata: {} }).expect(200)).body.metadata).toEqual({});
    const { body: plain } = await create({}).expect(201);
    expect(plain.metadata).toEqual({});
  });

  it('audits a change by the keys it touched, and the event carries the previous values', async () => {
    const { body: key } = await create({ metadata: { customer: 'c_1', region: 'eu' } }).expect(201);
    await patch(key.id, { metadata: { customer: 'c_1', region: 'us', plan: 'gold' } }).expect(200);
    const [updated] = (await auditOf(key.id)).filter((e: { action: string }) => e.action === 'api_key.updated');
    expect(updated.metadata).toEqual({ fields: ['metadata'], metadata_keys: ['plan', 'region'] });
    const events = await s.gatehouse.store.events.undispatched(1000);
    const event = events.filter((e) => e.type === 'api_key.updated' && (e.data as any).api_key.id === key.id).at(-1)!;
    expect(event.data).toMatchObject({
      changed_fields: ['metadata'], previous: { metadata: { customer: 'c_1', region: 'eu' } },
      api_key: { metadata: { customer: 'c_1', region: 'us', plan: 'gold' } },
    });
    expect(JSON.stringify(event.data)).not.toMatch(/ak_live_|digest/);
  });

  it('refuses metadata out of bounds with a 400 naming the entry, and changes nothing', async () => {
    const { body: key } = await create({ metadata: { a: 1 } }).expect(201);
    const nested = await patch(key.id, { metadata: { a: { b: 1 } } });
    expect([nested.status, nested.type]).toEqual([400, 'application/problem+json']);
    expect(problemFields(nested.body).join()).toContain('metadata');
    for (const metadata of [{ 'a.b': 1 }, { note: 'x'.repeat(501) }, Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))]) {
      const res = await patch(key.id, { metadata });
      expect(res.status).toBe(400);
      expect(problemFields(res.body).some((f) => f.startsWith('metadata'))).toBe(true);
    }
    expect((await create({ metadata: [1, 2] })).status).toBe(400);
    expect((await s.api().get(`/v1/organizations/acme/api-keys/${key.id}`).set(as(owner)).expect(200)).body.metadata).toEqual({ a: 1 });
  });
});

describe('disabling and re-enabling an API key', () => {
  it('disables a key (status disabled), which is then refused like a revoked key, at once; re-enabled, it works again', async () => {
    const { body: key } = await create({ permissions: ['api_keys:read'] }).expect(201);
    const use = () => s.api().get(`/v1/organizations/acme/api-keys/${key.id}`).set(as(key.key));
    await use().expect(200);
    const disabled = await patch(key.id, { enabled: false }).expect(200);
    expect(disabled.body).toMatchObject({ status: 'disabled', enabled: false, disabled_at: expect.any(String) });
    const refused = await use().expect(401);
    const { body: revokedKey } = await create({}).expect(201);
    await s.api().delete(`/v1/organizations/acme/api-keys/${revokedKey.id}`).set(as(owner)).expect(204);
    const revoked = await s.api().get('/v1/organizations/acme/api-keys').set(as(revokedKey.key)).expect(401);
    expect(stable(refused.body)).toEqual(stable(revoked.body));
    expect(refused.headers['www-authenticate']).toBe(revoked.headers['www-authenticate']);

    const list = await s.api().get('/v1/organizations/acme/api-keys?status=disabled').set(as(owner)).expect(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([key.id]);
    const enabled = await patch(key.id, { enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ status: 'active', enabled: true, disabled_at: null });
    await use().expect(200);
  });

  it('audits disabling and enabling, and keeps the first disabling time when disabled twice', async () => {
    const { body: key } = await create({}).expect(201);
    const first = (await patch(key.id, { enabled: false }).expect(200)).body.disabled_at;
    expect((await patch(key.id, { enabled: false, name: 'renamed' }).expect(200)).body).toMatchObject({ disabled_at: first, name: 'renamed' });
    await patch(key.id, { enabled: true }).expect(200);
    const changes = (await auditOf(key.id)).filter((e: { action: string }) => e.action === 'api_key.updated').map((e: { metadata: unknown }) => e.metadata);
    expect(changes).toEqual(expect.arrayContaining([{ fields: ['enabled'], enabled: false }, { fields: ['name', 'enabled'] }, { fields: ['enabled'], enabled: true }]));
  });

  it('never brings back a revoked or expired key (409), and refuses rotating a disabled one until it is enabled', async () => {
    const { body: revoked } = await create({}).expect(201);
    await s.api().delete(`/v1/organizations/acme/api-keys/${revoked.id}`).set(as(owner)).expect(204);
    const again = await patch(revoked.id, { enabled: true });
    expect([again.status, again.body.code]).toEqual([409, 'key_not_active']);
    const { record } = await s.gatehouse.apiKeys.create(OPERATOR, s.org.id, { name: 'brief', permissions: ['users:read'], expiresInSeconds: 1 });
    await s.gatehouse.store.apiKeys.update(record.id, { expiresAt: new Date(Date.now() - 1000), disabledAt: new Date() });
    expect((await patch(record.id, { enabled: true })).status).toBe(409);

    const { body: key } = await create({}).expect(201);
    await patch(key.id, { enabled: false }).expect(200);
    const rotate = await s.api().post(`/v1/organizations/acme/api-keys/${key.id}/rotate`).set(as(owner)).send({});
    expect([rotate.status, rotate.body.code]).toEqual([409, 'key_not_active']);
  });

  it('revokes the disabled keys of a departing member too (they could be re-enabled)', async () => {
    const { user } = await s.gatehouse.identity.users.create({ email: 'leaver@acme.test', password: 'correct horse battery staple', organizationId: s.org.id, roles: ['admin'] });
    const { record } = await s.gatehouse.apiKeys.create({ principal: { type: 'user', subject: user.id, organization: s.org.id, environment: 'live', permissions: [...MANAGEMENT_PERMISSIONS] }, ip: null }, s.org.id, { name: 'theirs', permissions: ['users:read'] });
    await patch(record.id, { enabled: false }).expect(200);
    await s.api().delete(`/v1/organizations/acme/users/${user.id}`).set(as(owner)).expect(204);
    expect((await s.api().get(`/v1/organizations/acme/api-keys/${record.id}`).set(as(owner)).expect(200)).body.status).toBe('revoked');
  });
});
