import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { HttpProblem } from '../../../src/http/problem.js';
import type { Organization } from '../../../src/store/ports.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let gh: Gatehouse;
let org: Organization;
let other: Organization;
beforeAll(async () => {
  gh = await createTestGatehouse({ issuer: 'https://auth.example.test' });
  org = await gh.identity.organizations.create({ slug: 'acme' });
  other = await gh.identity.organizations.create({ slug: 'globex' });
});
afterAll(async () => { await gh.close(); });

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

describe('resources', () => {
  it('registers a resource with its permissions, the identifier as default name', async () => {
    const resource = await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
    expect(resource).toMatchObject({ organizationId: org.id, identifier: 'https://api.acme.test', name: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
    expect(resource.id).toMatch(/^res_/);
    expect(await gh.identity.resources.get(org.id, resource.id)).toEqual(resource);
  });

  it('refuses an identifier already registered, by any organization, with 409 resource_exists', async () => {
    await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'urn:acme:taken', permissions: ['things:read'] });
    const problem = await problemOf(gh.identity.resources.create(OPERATOR, other.id, { identifier: 'urn:acme:taken', permissions: ['things:read'] }));
    expect([problem.status, problem.code]).toEqual([409, 'resource_exists']);
  });

  it('reserves the management API identifier, with or without a trailing slash', async () => {
    for (const identifier of ['https://auth.example.test/v1', 'https://auth.example.test/v1/']) {
      const problem = await problemOf(gh.identity.resources.create(OPERATOR, org.id, { identifier, permissions: ['x:read'] }));
      expect(problem.status).toBe(400);
      expect(problem.detail).toMatch(/reserved for the management API/);
    }
  });

  it('refuses management nouns in resource permissions', async () => {
    const problem = await problemOf(gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://users.acme.test', permissions: ['users:read', 'audit:write'] }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain('"users:read" uses a noun reserved');
    expect(problem.detail).toContain('"audit:write" uses a noun reserved');
  });

  it('refuses a relative identifier and malformed permissions', async () => {
    const problem = await problemOf(gh.identity.resources.create(OPERATOR, org.id, { identifier: 'api.acme.test', permissions: ['Bad'] }));
    expect((problem.body().errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['identifier', 'permissions[0]']);
  });

  it('answers 404 for an unknown organization', async () => {
    expect((await problemOf(gh.identity.resources.create(OPERATOR, 'org_missing', { identifier: 'https://x.test', permissions: [] }))).status).toBe(404);
  });

  it('keeps each organization\'s resources to itself', async () => {
    const resource = await gh.identity.resources.create(OPERATOR, other.id, { identifier: 'https://api.globex.test', permissions: ['plans:read'] });
    expect((await problemOf(gh.identity.resources.get(org.id, resource.id))).status).toBe(404);
    expect((await problemOf(gh.identity.resources.delete(OPERATOR, org.id, resource.id))).status).toBe(404);
    expect((await gh.identity.resources.list(org.id)).items.map((r) => r.id)).not.toContain(resource.id);
  });

  it('updates name and permissions, and deletes', async () => {
    const resource = await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://edit.acme.test', permissions: ['a:read'] });
    const updated = await gh.identity.resources.update(OPERATOR, org.id, resource.id, { name: 'Editable', permissions: ['a:read', 'a:write'] });
    expect(updated).toMatchObject({ name: 'Editable', permissions: ['a:read', 'a:write'] });
    expect((await problemOf(gh.identity.resources.update(OPERATOR, org.id, resource.id, { permissions: ['roles:write'] }))).status).toBe(400);
    await gh.identity.resources.delete(OPERATOR, org.id, resource.id);
    expect(await gh.identity.resources.resolve('https://edit.acme.test')).toBeNull();
  });
});

describe('resolving resource indicators', () => {
  it('resolves <issuer>/v1 to the built-in management API', async () => {
    expect(gh.identity.resources.managementIdentifier).toBe('https://auth.example.test/v1');
    expect(await gh.identity.resources.resolve('https://auth.example.test/v1')).toEqual({
      identifier: 'https://auth.example.test/v1', organizationId: null, permissions: [...MANAGEMENT_PERMISSIONS],
    });
  });

  it('resolves a registered resource to its organization and permissions', async () => {
    await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://resolve.acme.test', permissions: ['reports:read'] });
    expect(await gh.identity.resources.resolve('https://resolve.acme.test')).toEqual({
      identifier: 'https://resolve.acme.test', organizationId: org.id, permissions: ['reports:read'],
    });
  });

  it('answers null for an unknown identifier', async () => {
    expect(await gh.identity.resources.resolve('https://unknown.test')).toBeNull();
    expect(await gh.identity.resources.resolve('')).toBeNull();
  });
});
