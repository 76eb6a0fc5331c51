import { Writable } from 'node:stream';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { createLogger } from '../../../src/ops/logger.js';
import { mintKey, seededSuite, seedOrganization } from '../../support/seed.js';

let logs = '';
const sink = new Writable({ write(chunk, _enc, done) { logs += chunk.toString(); done(); } });
const s = seededSuite({}, { logger: createLogger('info', sink) });

const PASSWORD = 'a very secret password 123';

describe('users: no escalation, no leaks', () => {
  it('a users:write key without admin permissions cannot make anyone an admin', async () => {
    const writer = await mintKey(s.gatehouse, s.org.id, ['users:write', 'users:read']);
    const res = await s.api().post('/v1/organizations/acme/users').set('X-API-Key', writer.key)
      .send({ email: 'mallory@acme.test', password: PASSWORD, roles: ['admin'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('permission_escalation');
    const reader = await s.api().post('/v1/organizations/acme/users').set('X-API-Key', s.adminKey)
      .send({ email: 'mallory@acme.test', password: PASSWORD, roles: ['member'] }).expect(201);
    const promote = await s.api().patch(`/v1/organizations/acme/users/${reader.body.id}`).set('X-API-Key', writer.key).send({ roles: ['admin'] });
    expect(promote.status).toBe(403);
  });

  it("cannot read or change another organization's members (404)", async () => {
    const other = await seedOrganization(s.gatehouse, 'hooli');
    const otherKey = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get('/v1/organizations/acme/users').set('X-API-Key', otherKey).expect(404);
    await s.api().get(`/v1/organizations/hooli/users/${s.adminUserId}`).set('X-API-Key', otherKey).expect(404);
    await s.api().delete(`/v1/organizations/hooli/users/${s.adminUserId}`).set('X-API-Key', otherKey).expect(404);
  });

  it('never returns, logs or audits a password or its hash', async () => {
    const res = await s.api().post('/v1/organizations/acme/users').set('X-API-Key', s.adminKey)
      .send({ email: 'quiet@acme.test', password: PASSWORD }).expect(201);
    const user = await s.gatehouse.store.users.findById(res.body.id);
    const list = await s.api().get('/v1/organizations/acme/users').set('X-API-Key', s.adminKey).expect(200);
    const audit = JSON.stringify(await s.gatehouse.store.audit.list(s.org.id, { limit: 100 }));
    for (const text of [JSON.stringify(res.body), JSON.stringify(list.body), audit, logs]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(user!.passwordHash);
      expect(text).not.toMatch(/password_?hash/i);
    }
  });
});
