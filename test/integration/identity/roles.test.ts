import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { HttpProblem } from '../../../src/http/problem.js';
import type { Organization } from '../../../src/store/ports.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let gh: Gatehouse;
let org: Organization;
let other: Organization;
beforeAll(async () => {
  gh = await createTestGatehouse();
  org = await gh.identity.organizations.create({ slug: 'acme' });
  other = await gh.identity.organizations.create({ slug: 'globex' });
  await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://billing.acme.test', permissions: ['invoices:read', 'invoices:write'] });
});
afterAll(async () => { await gh.close(); });

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

describe('custom roles', () => {
  it('creates a role from management and registered-resource permissions', async () => {
    const role = await gh.identity.roles.create(OPERATOR, org.id, {
      name: 'billing', description: 'Billing team', permissions: ['invoices:read', 'invoices:write', 'users:read', 'invoices:read'],
    });
    expect(role).toMatchObject({ organizationId: org.id, name: 'billing', description: 'Billing team', permissions: ['invoices:read', 'invoices:write', 'users:read'] });
    expect(role.id).toMatch(/^role_/);
  });

  it('accepts noun:* for a noun in the vocabulary', async () => {
    expect((await gh.identity.roles.create(OPERATOR, org.id, { name: 'billing-all', permissions: ['invoices:*'] })).permissions).toEqual(['invoices:*']);
  });

  it('refuses permissions outside the organization\'s vocabulary', async () => {
    const problem = await problemOf(gh.identity.roles.create(OPERATOR, org.id, { name: 'shipping', permissions: ['parcels:read', 'invoices:delete'] }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain('"parcels:read"');
    expect(problem.detail).toContain('"invoices:delete"');
  });

  it('does not let one organization use another\'s resource permissions', async () => {
    expect((await problemOf(gh.identity.roles.create(OPERATOR, other.id, { name: 'billing', permissions: ['invoices:read'] }))).status).toBe(400);
  });

  it('refuses the built-in names, malformed names and malformed permissions', async () => {
    for (const name of ['admin', 'member', 'Bad Name']) {
      expect((await problemOf(gh.identity.roles.create(OPERATOR, org.id, { name, permissions: ['users:read'] }))).status).toBe(400);
    }
    expect((await problemOf(gh.identity.roles.create(OPERATOR, org.id, { name: 'weird', permissions: ['NOT A PERMISSION'] }))).status).toBe(400);
  });

  it('refuses a duplicate name in the organization with 409 role_exists, but allows it in another', async () => {
    await gh.identity.roles.create(OPERATOR, org.id, { name: 'support', permissions: ['users:read'] });
    const problem = await problemOf(gh.identity.roles.create(OPERATOR, org.id, { name: 'support', permissions: ['users:read'] }));
    expect([problem.status, problem.code]).toEqual([409, 'role_exists']);
    expect((await gh.identity.roles.create(OPERATOR, other.id, { name: 'support', permissions: ['users:read'] })).organizationId).toBe(other.id);
  });

  it('answers 404 for an unknown organization', async () => {
    expect((await problemOf(gh.identity.roles.create(OPERATOR, 'org_missing', { name: 'x', permissions: [] }))).status).toBe(404);
  });

  it('gets by id or name, only within its organization', async () => {
    const role = await gh.identity.roles.create(OPERATOR, org.id, { name: 'viewer', permissions: ['users:read'] });
    expect((await gh.identity.roles.get(org.id, role.id)).name).toBe('viewer');
    expect((await gh.identity.roles.get(org.id, 'viewer')).id).toBe(role.id);
    expect((await problemOf(gh.identity.roles.get(other.id, role.id))).status).toBe(404);
  });

  it('updates description and permissions, checking the vocabulary', async () => {
    const role = await gh.identity.roles.create(OPERATOR, org.id, { name: 'editable', permissions: ['users:read'] });
    const updated = await gh.identity.roles.update(OPERATOR, org.id, role.id, { description: 'Edited', permissions: ['invoices:read'] });
    expect(updated).toMatchObject({ description: 'Edited', permissions: ['invoices:read'] });
    expect((await problemOf(gh.identity.roles.update(OPERATOR, org.id, role.id, { permissions: ['nope:read'] }))).status).toBe(400);
    expect((await problemOf(gh.identity.roles.update(OPERATOR, org.id, 'role_missing', { description: 'x' }))).status).toBe(404);
  });

  it('lists an organization\'s roles only', async () => {
    const names = (await gh.identity.roles.list(other.id)).items.map((r) => r.name);
    expect(names).toEqual(['support']);
  });

  it('refuses to delete a role still held by a member (409 role_in_use), and deletes it once nobody holds it', async () => {
    const role = await gh.identity.roles.create(OPERATOR, org.id, { name: 'temporary', permissions: ['users:read'] });
    const { user } = await gh.identity.users.create({ email: 'temp@example.com', password: 'long enough password', organizationId: org.id, roles: ['temporary'] });
    const problem = await problemOf(gh.identity.roles.delete(OPERATOR, org.id, role.id));
    expect([problem.status, problem.code]).toEqual([409, 'role_in_use']);
    await gh.identity.members.update(OPERATOR, org.id, user.id, { roles: ['member'] });
    await gh.identity.roles.delete(OPERATOR, org.id, 'temporary');
    expect((await problemOf(gh.identity.roles.get(org.id, role.id))).status).toBe(404);
    expect((await problemOf(gh.identity.roles.delete(OPERATOR, org.id, role.id))).status).toBe(404);
  });
});
