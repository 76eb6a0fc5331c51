import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, problemFields, seededSuite } from '../../support/seed.js';

const s = seededSuite();
let owner: string;
beforeAll(async () => {
  await s.gatehouse.identity.organizations.update(OPERATOR, s.org.id, { plan: 'pro' });
  owner = (await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS)).key;
});

const DAY_MS = 86_400_000;
const as = (key: string) => ({ 'X-API-Key': key });
const patchOrg = (body: object) => s.api().patch('/v1/organizations/acme').set(as(owner)).send(body);
const create = (body: object) => s.api().post('/v1/organizations/acme/api-keys').set(as(owner)).send({ name: 'svc', permissions: ['users:read'], ...body });
const lifetimeDays = (key: { created_at: string; expires_at: string | null }) =>
  key.expires_at === null ? null : (Date.parse(key.expires_at) - Date.parse(key.created_at)) / DAY_MS;

describe("an organization's max_key_lifetime", () => {
  it('is shown on the organization (null by default) and set with PATCH, audited', async () => {
    expect((await s.api().get('/v1/organizations/acme').set(as(owner)).expect(200)).body).toMatchObject({ max_key_lifetime: null, key_rotation_reminder_days: 90 });
    expect((await patchOrg({ max_key_lifetime: '2160h' }).expect(200)).body.max_key_lifetime).toBe('90d');
    const audit = (await s.api().get('/v1/organizations/acme/audit-logs?limit=5').set(as(owner)).expect(200)).body.data;
    expect(audit.find((e: { action: string }) => e.action === 'organization.updated').metadata).toMatchObject({ max_key_lifetime: '90d' });
    await patchOrg({ max_key_lifetime: null }).expect(200);
  });

  it('gives new keys without expires_in the limit, keeps shorter ones, and refuses longer ones with a 400 naming it', async () => {
    const { body: unlimited } = await create({}).expect(201);
    expect(unlimited.expires_at).toBeNull();
    await patchOrg({ max_key_lifetime: '30d' }).expect(200);
    expect(lifetimeDays((await create({}).expect(201)).body)).toBe(30);
    expect(lifetimeDays((await create({ expires_in: '7d' }).expect(201)).body)).toBe(7);
    const longer = await create({ expires_in: '31d' });
    expect(longer.status).toBe(400);
    expect(problemFields(longer.body)).toEqual(['expires_in']);
    expect(JSON.stringify(longer.body)).toContain('30d');

    // lowering it does not shorten existing keys; their next rotation does
    expect((await s.api().get(`/v1/organizations/acme/api-keys/${unlimited.id}`).set(as(owner)).expect(200)).body.expires_at).toBeNull();
    const { body: successor } = await s.api().post(`/v1/organizations/acme/api-keys/${unlimited.id}/rotate`).set(as(owner)).send({ grace_period: 0 }).expect(201);
    expect(lifetimeDays(successor)).toBe(30);
    await patchOrg({ max_key_lifetime: null }).expect(200);
    expect((await create({}).expect(201)).body.expires_at).toBeNull();
  });

  it('refuses a lifetime beyond the global 10 years or not a duration (400)', async () => {
    for (const max_key_lifetime of ['3651d', 'forever', 0, -5]) {
      const res = await patchOrg({ max_key_lifetime });
      expect([res.status, [...new Set(problemFields(res.body))]]).toEqual([400, ['max_key_lifetime']]);
    }
    expect((await patchOrg({ max_key_lifetime: '3650d' }).expect(200)).body.max_key_lifetime).toBe('3650d');
    await patchOrg({ max_key_lifetime: null }).expect(200);
  });
});

describe("an organization's rotation reminder", () => {
  it('defaults to 90 days, is set with PATCH, and 0 or null turns it off', async () => {
    expect((await patchOrg({ key_rotation_reminder_days: 30 }).expect(200)).body.key_rotation_reminder_days).toBe(30);
    expect((await patchOrg({ key_rotation_reminder_days: 0 }).expect(200)).body.key_rotation_reminder_days).toBeNull();
    expect((await patchOrg({ key_rotation_reminder_days: 45 }).expect(200)).body.key_rotation_reminder_days).toBe(45);
    expect((await patchOrg({ key_rotation_reminder_days: null }).expect(200)).body.key_rotation_reminder_days).toBeNull();
    for (const key_rotation_reminder_days of [3651, -1, 1.5, '30']) {
      const res = await patchOrg({ key_rotation_reminder_days });
      expect([res.status, problemFields(res.body)]).toEqual([400, ['key_rotation_reminder_days']]);
    }
  });

  it('checks every part before writing any: a bad name leaves the key policy unchanged', async () => {
    await patchOrg({ key_rotation_reminder_days: 10 }).expect(200);
    expect((await patchOrg({ name: '', key_rotation_reminder_days: 20 })).status).toBe(400);
    expect((await s.api().get('/v1/organizations/acme').set(as(owner)).expect(200)).body.key_rotation_reminder_days).toBe(10);
  });
});
