import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import type { Organization } from '../../../src/store/ports.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let gh: Gatehouse;
let org: Organization;
const PASSWORD = 'long enough password';
beforeAll(async () => {
  gh = await createTestGatehouse();
  org = await gh.identity.organizations.create({ slug: 'acme' });
  await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://billing.acme.test', permissions: ['invoices:read', 'invoices:write'] });
  await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://ship.acme.test', permissions: ['parcels:read'] });
});
afterAll(async () => { await gh.close(); });

async function member(email: string, roles: string[]) {
  return (await gh.identity.users.create({ email, password: PASSWORD, organizationId: org.id, roles })).user;
}

describe('permissions of a user in an organization', () => {
  it('gives admin every management permission', async () => {
    const user = await member('admin@example.com', ['admin']);
    expect((await gh.identity.permissions.permissionsIn(org.id, user.id))!.sort()).toEqual([...MANAGEMENT_PERMISSIONS].sort());
  });

  it('gives member the read-only management permissions', async () => {
    const user = await member('member@example.com', ['member']);
    const held = (await gh.identity.permissions.permissionsIn(org.id, user.id))!;
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((p) => p.endsWith(':read'))).toBe(true);
    expect(held).not.toContain('api_keys:write');
  });

  it('unions built-in and custom roles', async () => {
    await gh.identity.roles.create(OPERATOR, org.id, { name: 'billing', permissions: ['invoices:read', 'invoices:write'] });
    await gh.identity.roles.create(OPERATOR, org.id, { name: 'shipping', permissions: ['parcels:read', 'invoices:read'] });
    const user = await member('both@example.com', ['member', 'billing', 'shipping']);
    const held = (await gh.identity.permissions.permissionsIn(org.id, user.id))!;
    expect(held).toEqual(expect.arrayContaining(['users:read', 'invoices:read', 'invoices:write', 'parcels:read']));
    expect(new Set(held).size).toBe(held.length);
  });

  it('follows role changes at once', async () => {
    const user = await member('changing@example.com', ['billing']);
    expect(await gh.identity.permissions.permissionsIn(org.id, user.id)).toEqual(['invoices:read', 'invoices:write']);
    await gh.identity.roles.update(OPERATOR, org.id, 'billing', { permissions: ['invoices:read'] });
    expect(await gh.identity.permissions.permissionsIn(org.id, user.id)).toEqual(['invoices:read']);
  });

  it('answers null for a non-member, and an empty list for a member without roles', async () => {
    const other = await gh.identity.organizations.create({ slug: 'other-org' });
    const user = await member('outsider@example.com', []);
    expect(await gh.identity.permissions.permissionsIn(other.id, user.id)).toBeNull();
    expect(await gh.identity.permissions.permissionsIn(org.id, user.id)).toEqual([]);
    expect(await gh.identity.permissions.permissionsIn(org.id, 'usr_missing')).toBeNull();
  });
});

describe('vocabulary', () => {
  it('is the management permissions plus the organization\'s resource permissions', async () => {
    const vocabulary = await gh.identity.permissions.vocabulary(org.id);
    expect(vocabulary).toEqual(expect.arrayContaining([...MANAGEMENT_PERMISSIONS, 'invoices:read', 'invoices:write', 'parcels:read']));
    expect(vocabulary).toHaveLength(MANAGEMENT_PERMISSIONS.length + 3);
  });

  it('is the management permissions alone at server scope', async () => {
    expect(await gh.identity.permissions.vocabulary(null)).toEqual([...MANAGEMENT_PERMISSIONS]);
  });

  it('reports what lies outside it, counting noun:* for a known noun as inside', async () => {
    expect(await gh.identity.permissions.outsideVocabulary(org.id, ['invoices:read', 'invoices:*', 'users:*', 'cars:read', 'invoices:delete']))
      .toEqual(['cars:read', 'invoices:delete']);
    expect(await gh.identity.permissions.outsideVocabulary(null, ['invoices:read'])).toEqual(['invoices:read']);
  });
});
