import { Writable } from 'node:stream';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { createLogger } from '../../../src/ops/logger.js';
import { inviteAndJoin } from '../../support/invitations.js';
import { mintKey, seededSuite, seedOrganization } from '../../support/seed.js';

let logs = '';
const sink = new Writable({ write(chunk, _enc, done) { logs += chunk.toString(); done(); } });
const s = seededSuite({}, { logger: createLogger('info', sink) });

const PASSWORD = 'a very secret password 123';

describe('users: no escalation, no leaks', () => {
  let bob: string;
  beforeAll(async () => {
    bob = (await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'bob@acme.test', ['member'], PASSWORD)).userId;
  });

  it('a users:write key without admin permissions cannot make anyone an admin', async () => {
    const writer = await mintKey(s.gatehouse, s.org.id, ['users:write', 'users:read']);
    const promote = await s.api().patch(`/v1/organizations/acme/users/${bob}`).set('X-API-Key', writer.key).send({ roles: ['admin'] });
    expect(promote.status).toBe(403);
    expect(promote.body.code).toBe('permission_escalation');
    expect((await s.gatehouse.store.memberships.find(s.org.id, bob))!.roles).toEqual(['member']);
  });

  it('a users:write key cannot demote, disable nor remove a member stronger than itself, and nothing changes', async () => {
    // holds what a `member` holds (every :read) plus users:write: less than an admin
    const writer = await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS.filter((p) => p.endsWith(':read')), 'users:write']);
    const before = await s.gatehouse.store.memberships.find(s.org.id, s.adminUserId);
    const as = { 'X-API-Key': writer.key };
    for (const res of [
      await s.api().patch(`/v1/organizations/acme/users/${s.adminUserId}`).set(as).send({ roles: ['member'] }),
      await s.api().patch(`/v1/organizations/acme/users/${s.adminUserId}`).set(as).send({ disabled: true }),
      await s.api().delete(`/v1/organizations/acme/users/${s.adminUserId}`).set(as),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('permission_escalation');
    }
    expect(await s.gatehouse.store.memberships.find(s.org.id, s.adminUserId)).toEqual(before);
    // a member no stronger than the key is within reach
    await s.api().patch(`/v1/organizations/acme/users/${bob}`).set(as).send({ disabled: true }).expect(200);
    await s.api().patch(`/v1/organizations/acme/users/${bob}`).set(as).send({ disabled: false }).expect(200);
  });

  it('a test key changes no member', async () => {
    const testKey = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    const res = await s.api().patch(`/v1/organizations/acme/users/${bob}`).set('X-API-Key', testKey.key).send({ disabled: true });
    expect([res.status, res.body.code]).toEqual([403, 'environment_escalation']);
  });

  it("cannot read or change another organization's members (404)", async () => {
    const other = await seedOrganization(s.gatehouse, 'hooli');
    const otherKey = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get('/v1/organizations/acme/users').set('X-API-Key', otherKey).expect(404);
    await s.api().get(`/v1/organizations/hooli/users/${s.adminUserId}`).set('X-API-Key', otherKey).expect(404);
    await s.api().delete(`/v1/organizations/hooli/users/${s.adminUserId}`).set('X-API-Key', otherKey).expect(404);
    await s.api().patch(`/v1/organizations/acme/users/${bob}`).set('X-API-Key', otherKey).send({ disabled: true }).expect(404);
  });

  it('never returns, logs or audits a password or its hash', async () => {
    const user = await s.gatehouse.store.users.findById(bob);
    const list = await s.api().get('/v1/organizations/acme/users').set('X-API-Key', s.adminKey).expect(200);
    const audit = JSON.stringify(await s.gatehouse.store.audit.list(s.org.id, { limit: 100 }));
    for (const text of [JSON.stringify(list.body), audit, logs]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(user!.passwordHash);
      expect(text).not.toMatch(/password_?hash/i);
    }
  });
});
