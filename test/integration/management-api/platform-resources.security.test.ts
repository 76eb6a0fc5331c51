import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('platform resources: who may touch them', () => {
  let id: string;
  beforeAll(async () => {
    id = (await s.api().post('/v1/resources').set('X-API-Key', s.serverKey).send({ identifier: 'https://secure.platform.test', permissions: ['vault:read', 'vault:open'] })).body.id;
  });

  it('refuses every organization credential, even one holding all the permissions (403 server_scope_required)', async () => {
    const strongest = (await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS, 'vault:read', 'vault:open'])).key;
    for (const [method, path] of [['get', '/v1/resources'], ['get', `/v1/resources/${id}`], ['post', '/v1/resources'], ['patch', `/v1/resources/${id}`], ['delete', `/v1/resources/${id}`]] as const) {
      const res = await s.api()[method](path).set('X-API-Key', strongest).send(method === 'post' ? { identifier: 'https://x.test', permissions: ['x:read'] } : {});
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 403, 'server_scope_required']);
    }
    expect(await s.gatehouse.store.resources.findById(null, id)).not.toBeNull();
  });

  it('refuses a server credential lacking its permissions to change, delete or re-declare them (403 permission_escalation)', async () => {
    const weak = { 'X-API-Key': s.serverKey };
    expect((await s.api().patch(`/v1/resources/${id}`).set(weak).send({ permissions: ['vault:read'] })).body.code).toBe('permission_escalation');
    expect((await s.api().delete(`/v1/resources/${id}`).set(weak)).body.code).toBe('permission_escalation');
    const redeclare = await s.api().post('/v1/resources').set(weak).send({ identifier: 'https://copy.platform.test', permissions: ['vault:open'] });
    expect([redeclare.status, redeclare.body.code]).toEqual([403, 'permission_escalation']);
    expect((await s.gatehouse.store.resources.findById(null, id))!.permissions).toEqual(['vault:read', 'vault:open']);
  });

  it('refuses a server key without resources:write (403 insufficient_scope) and one without resources:read a listing', async () => {
    const reader = (await mintKey(s.gatehouse, null, ['resources:read', 'users:write'])).key;
    expect((await s.api().post('/v1/resources').set('X-API-Key', reader).send({ identifier: 'https://y.test', permissions: ['y:read'] })).body.code).toBe('insufficient_scope');
    const none = (await mintKey(s.gatehouse, null, ['audit:read'])).key;
    expect((await s.api().get('/v1/resources').set('X-API-Key', none)).status).toBe(403);
  });

  it('refuses a test server key (a test credential acts on test keys only)', async () => {
    const test = (await mintKey(s.gatehouse, null, MANAGEMENT_PERMISSIONS, { environment: 'test' })).key;
    const res = await s.api().post('/v1/resources').set('X-API-Key', test).send({ identifier: 'https://z.test', permissions: ['z:read'] });
    expect([res.status, res.body.code]).toEqual([403, 'environment_escalation']);
  });
});
