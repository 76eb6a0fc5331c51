import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seededSuite, seedOrganization } from '../../support/seed.js';

const s = seededSuite();
let globexAdmin: string;
beforeAll(async () => {
  await s.gatehouse.identity.organizations.update(OPERATOR, s.org.id, { plan: 'pro' });
  await s.gatehouse.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
  globexAdmin = (await mintKey(s.gatehouse, (await seedOrganization(s.gatehouse, 'globex')).id, MANAGEMENT_PERMISSIONS)).key;
});

const as = (key: string) => ({ 'X-API-Key': key });
const patchAs = (caller: string, id: string, body: object, org = 'acme') =>
  s.api().patch(`/v1/organizations/${org}/api-keys/${id}`).set(as(caller)).send(body);

describe('who may disable, re-enable or change the metadata of a key', () => {
  it('a weaker key can neither disable, re-enable nor retag a stronger live key (403), and the key stays as it was', async () => {
    const weaker = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS);
    const strong = await mintKey(s.gatehouse, s.org.id, ['invoices:write', 'users:read']);
    const before = await s.gatehouse.store.apiKeys.findById(strong.id);
    for (const body of [{ enabled: false }, { metadata: { customer: 'someone-else' } }]) {
      const res = await patchAs(weaker.key, strong.id, body);
      expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
    }
    expect(await s.gatehouse.store.apiKeys.findById(strong.id)).toEqual(before);
    // disabled by someone who may: the weaker key cannot bring it back either
    await patchAs(s.adminKey, strong.id, { enabled: false }).expect(403);
    await s.gatehouse.apiKeys.update(OPERATOR, s.org.id, strong.id, { enabled: false });
    expect((await patchAs(weaker.key, strong.id, { enabled: true })).status).toBe(403);
    expect((await s.gatehouse.store.apiKeys.findById(strong.id))!.disabledAt).not.toBeNull();
  });

  it('a test key cannot disable or re-enable a live key, but may its own environment\'s', async () => {
    const testKey = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    const live = await mintKey(s.gatehouse, s.org.id, ['users:read']);
    const refused = await patchAs(testKey.key, live.id, { enabled: false });
    expect([refused.status, refused.body.code]).toEqual([403, 'environment_escalation']);
    expect((await patchAs(testKey.key, live.id, { metadata: { a: 1 } })).status).toBe(403);
    const sibling = await mintKey(s.gatehouse, s.org.id, ['users:read'], { environment: 'test' });
    await patchAs(testKey.key, sibling.id, { enabled: false }).expect(200);
  });

  it("answers 404 for another organization's key, by id or through its slug, and changes nothing", async () => {
    const key = await mintKey(s.gatehouse, s.org.id, ['users:read']);
    expect((await patchAs(globexAdmin, key.id, { enabled: false })).status).toBe(404);
    expect((await patchAs(globexAdmin, key.id, { enabled: false }, 'globex')).status).toBe(404);
    expect((await s.gatehouse.store.apiKeys.findById(key.id))!.disabledAt).toBeNull();
  });

  it('needs api_keys:write: a read-only key cannot disable even a key weaker than itself', async () => {
    const reader = await mintKey(s.gatehouse, s.org.id, ['api_keys:read', 'users:read']);
    const weak = await mintKey(s.gatehouse, s.org.id, ['users:read']);
    expect((await patchAs(reader.key, weak.id, { enabled: false })).status).toBe(403);
  });

  it('a disabled key cannot act, not even to re-enable itself', async () => {
    const self = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS);
    await patchAs(self.key, self.id, { enabled: false }).expect(200);
    expect((await patchAs(self.key, self.id, { enabled: true })).status).toBe(401);
  });
});

describe("who may change the organization's key policy", () => {
  const patchOrg = (caller: string, body: object, org = 'acme') => s.api().patch(`/v1/organizations/${org}`).set(as(caller)).send(body);

  it('needs organizations:write in the organization; a test key, a member and another organization are refused', async () => {
    const testKey = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    const reader = await mintKey(s.gatehouse, s.org.id, ['organizations:read']);
    for (const [caller, org, status] of [[testKey.key, 'acme', 403], [reader.key, 'acme', 403], [globexAdmin, 'acme', 404]] as const) {
      const res = await patchOrg(caller, { max_key_lifetime: '3650d', key_rotation_reminder_days: 0 }, org);
      expect(res.status).toBe(status);
    }
    const org = await s.gatehouse.store.organizations.findById(s.org.id);
    expect([org!.maxKeyLifetimeSeconds ?? null, org!.keyRotationReminderDays ?? null]).toEqual([null, null]);
  });
});
