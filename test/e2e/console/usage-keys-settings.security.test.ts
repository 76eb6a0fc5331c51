import { OPERATOR } from '../../../src/audit/actor.js';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from './fixture.js';
import { csrfOf, signedInAs } from './http-session.js';

/**
 * The usage page, key disable/enable and metadata, and the organization's key and leak policies:
 * controls are offered only to people the API lets use them, a forged form is refused by the API
 * anyway, every form needs the session's CSRF token, and bad input is a 4xx page, never a 500.
 */
let world: ConsoleWorld;
let keyId = '';
let strongKeyId = '';
let otherOrgKeyId = '';
const KEYOPS = 'keyops@acme.test';
const VIEWER = 'viewer@acme.test';
beforeAll(async () => {
  world = await startConsoleWorld();
  const gh = world.server.gatehouse;
  keyId = (await gh.apiKeys.create(OPERATOR, world.acme.id, { name: 'plain', permissions: ['api_keys:read'] })).record.id;
  strongKeyId = (await gh.apiKeys.create(OPERATOR, world.acme.id, { name: 'strong', permissions: ['audit:read', 'api_keys:read'] })).record.id;
  otherOrgKeyId = (await gh.apiKeys.create(OPERATOR, world.beta.id, { name: 'beta', permissions: ['api_keys:read'] })).record.id;
  // may write keys, but holds no audit:read: the strong key is beyond them
  await gh.identity.roles.create(OPERATOR, world.acme.id, { name: 'keyops', description: 'Keys', permissions: ['api_keys:read', 'api_keys:write', 'organizations:read'] });
  await gh.identity.users.create({ email: KEYOPS, password: PASSWORD, organizationId: world.acme.id, roles: ['keyops'] });
  await gh.identity.roles.create(OPERATOR, world.acme.id, { name: 'viewer', description: 'Usage only', permissions: ['organizations:read'] });
  await gh.identity.users.create({ email: VIEWER, password: PASSWORD, organizationId: world.acme.id, roles: ['viewer'] });
}, 60_000);
afterAll(() => world.server.stop());

const gh = () => world.server.gatehouse;
const snapshot = async () => ({
  keys: (await gh().apiKeys.list(OPERATOR, world.acme.id, { limit: 100 })).items.map((k) => [k.id, k.disabledAt === null]),
  org: (({ maxKeyLifetimeSeconds, keyRotationReminderDays, leakedKeyPolicy }) => ({ maxKeyLifetimeSeconds, keyRotationReminderDays, leakedKeyPolicy }))((await gh().store.organizations.findById(world.acme.id))!),
});

const forgeries = () => [
  [`/console/o/acme/api-keys/${keyId}/disable`, { from: 'list' }],
  [`/console/o/acme/api-keys/${keyId}/enable`, { from: 'detail' }],
  ['/console/o/acme/settings/key-policy', { max_key_lifetime: '1d', key_rotation_reminder_days: '1' }],
  ['/console/o/acme/settings/leaked-keys', { leaked_key_policy: 'notify' }],
] as const;

describe('console usage, key status and policies security', () => {
  it('refuses every new form without the session\'s CSRF token: nothing changes', async () => {
    const { client } = await signedInAs(world.server.url, world.admin);
    const before = await snapshot();
    for (const [path, form] of forgeries()) {
      expect([path, (await client.request(path, { form: { ...form } })).status]).toEqual([path, 403]);
      expect([path, (await client.request(path, { form: { ...form, _csrf: 'x'.repeat(43) } })).status]).toEqual([path, 403]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('offers a read-only member no Disable, Enable or policy form, and the API refuses the forged forms: nothing changes', async () => {
    const { client } = await signedInAs(world.server.url, world.member);
    for (const path of ['api-keys', `api-keys/${keyId}`, 'settings']) {
      const html = await (await client.get(`/console/o/acme/${path}`)).text();
      expect(html).not.toMatch(/>(Disable|Enable|Save key policy|Save leaked-key policy)</);
      expect(html).not.toMatch(/action="[^"]*\/(disable|enable|key-policy|leaked-keys)"/);
    }
    const csrf = csrfOf(await (await client.get('/console/o/acme/settings')).text());
    const before = await snapshot();
    for (const [path, form] of forgeries()) {
      expect([path, (await client.request(path, { form: { ...form, _csrf: csrf } })).status]).toEqual([path, 403]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('offers Disable only on keys the person holds every permission of; the API refuses the stronger one anyway', async () => {
    const { client } = await signedInAs(world.server.url, KEYOPS);
    const list = await (await client.get('/console/o/acme/api-keys')).text();
    expect(list).toContain(`/api-keys/${keyId}/disable"`);
    expect(list).not.toContain(`/api-keys/${strongKeyId}/disable"`);
    const detail = await (await client.get(`/console/o/acme/api-keys/${strongKeyId}`)).text();
    expect(detail).not.toMatch(/>(Disable|Rotate|Revoke)</);
    const refused = await client.request(`/console/o/acme/api-keys/${strongKeyId}/disable`, { form: { _csrf: csrfOf(list), from: 'list' } });
    expect(refused.status).toBe(403);
    expect((await gh().store.apiKeys.findById(strongKeyId))!.disabledAt).toBeNull();
    // and cannot change the organization's policies (no organizations:write)
    expect(await (await client.get('/console/o/acme/settings')).text()).not.toContain('Save key policy');
  });

  it('answers bad input with a 4xx page naming the problem, never a 500', async () => {
    const { client } = await signedInAs(world.server.url, world.admin);
    const page = async (path: string, form?: Record<string, string>) => {
      const res = form ? await client.request(path, { form: { ...form, _csrf: csrfOf(await (await client.get('/console/o/acme/settings')).text()) } }) : await client.get(path);
      return { status: res.status, html: await res.text() };
    };
    const cases: Array<[string, Record<string, string> | undefined, number, RegExp]> = [
      ['/console/o/acme/usage?from=yesterday', undefined, 400, /RFC 3339 date-time or a date/],
      ['/console/o/acme/usage?granularity=hour&from=2020-01-01&to=2021-01-01', undefined, 400, /at most 31 days/],
      ['/console/o/acme/usage?from=2030-01-02&to=2030-01-01', undefined, 400, /must be before/],
      [`/console/o/acme/usage?key_id=${'k'.repeat(300)}`, undefined, 404, /role="alert"/],
      [`/console/o/acme/usage?key_id=${otherOrgKeyId}`, undefined, 404, /role="alert"/],
      ['/console/o/acme/usage?granularity=minute&key_id=nokey', undefined, 404, /role="alert"/],
      ['/console/o/acme/api-keys', { name: 'm', permissions: 'api_keys:read', environment: 'live', metadata: '[1, 2]' }, 400, /must be a JSON object/],
      ['/console/o/acme/api-keys', { name: 'm', permissions: 'api_keys:read', environment: 'live', metadata: JSON.stringify({ big: 'x'.repeat(5000) }) }, 400, /id="key-metadata-error"/],
      ['/console/o/acme/api-keys', { name: 'm', permissions: 'api_keys:read', environment: 'live', metadata: '{"nested": {"a": 1}}' }, 400, /id="key-metadata-error"/],
      ['/console/o/acme/settings/key-policy', { max_key_lifetime: 'forever', key_rotation_reminder_days: '' }, 400, /id="max-key-lifetime-error"/],
      ['/console/o/acme/settings/key-policy', { max_key_lifetime: '', key_rotation_reminder_days: 'abc' }, 400, /id="rotation-reminder-error"/],
      ['/console/o/acme/settings/key-policy', { max_key_lifetime: '', key_rotation_reminder_days: '999999' }, 400, /id="rotation-reminder-error"/],
      ['/console/o/acme/settings/leaked-keys', { leaked_key_policy: 'maybe' }, 400, /role="alert"/],
      ['/console/o/acme/api-keys/key_nope/disable', { from: 'list' }, 404, /Not found/],
    ];
    for (const [path, form, status, shows] of cases) {
      const res = await page(path, form);
      expect([path, form?.metadata ?? form, res.status]).toEqual([path, form?.metadata ?? form, status]);
      expect(res.html).toMatch(shows);
    }
    // a revoked key cannot be enabled again: 409, said in words
    const { record } = await gh().apiKeys.create(OPERATOR, world.acme.id, { name: 'gone', permissions: ['api_keys:read'] });
    await gh().apiKeys.revoke(OPERATOR, world.acme.id, record.id);
    const revoked = await page(`/console/o/acme/api-keys/${record.id}/enable`, { from: 'detail' });
    expect(revoked.status).toBe(409);
    expect(revoked.html).toContain('can no longer be changed or re-enabled');
  });

  it("refuses one key's usage to a person without api_keys:read, and offers them no key selector", async () => {
    const { client } = await signedInAs(world.server.url, VIEWER);
    const usage = await client.get('/console/o/acme/usage');
    expect(usage.status).toBe(200);
    expect(await usage.text()).not.toContain('name="key_id"');
    const res = await client.get(`/console/o/acme/usage?key_id=${keyId}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('api_keys:read');
  });
});
