import request from 'supertest';
import type { Gatehouse, GatehouseOptions } from '../../src/gatehouse.js';
import { OPERATOR } from '../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../src/domain/permissions.js';
import type { KeyEnvironment, Organization } from '../../src/store/ports.js';
import { createTestGatehouse } from './harness.js';

/**
 * A seeded Gatehouse for management-API tests, built through the services (as an operator
 * would with the CLI):
 * - `org`: organization `acme` with an admin user (`admin@acme.test`, `adminPassword`);
 * - `serverKey`: a server-scoped key holding every management permission;
 * - `adminKey`: an `acme` key holding every management permission.
 * `api()` is a supertest agent on the app. Close with `close()` in afterAll.
 */
export interface Seeded {
  gatehouse: Gatehouse;
  api: () => request.Agent;
  org: Organization;
  adminUserId: string;
  adminPassword: string;
  serverKey: string;
  adminKey: string;
  close(): Promise<void>;
}

export const ADMIN_PASSWORD = 'correct horse battery staple';

/** Mints a key through the service as the operator; `organizationId` null = server-scoped. */
export async function mintKey(gh: Gatehouse, organizationId: string | null, permissions: readonly string[] = MANAGEMENT_PERMISSIONS,
  options: { environment?: KeyEnvironment; name?: string; expiresInSeconds?: number; ipAllowlist?: string[] } = {},
): Promise<{ id: string; key: string }> {
  const { record, key } = await gh.apiKeys.create(OPERATOR, organizationId, {
    name: options.name ?? 'test key', permissions: [...permissions], environment: options.environment,
    expiresInSeconds: options.expiresInSeconds, ipAllowlist: options.ipAllowlist,
  });
  return { id: record.id, key };
}

/** Another organization, for cross-tenant tests. */
export async function seedOrganization(gh: Gatehouse, slug: string, plan?: string): Promise<Organization> {
  return gh.identity.organizations.create({ slug, plan });
}

export async function seed(overrides: Record<string, unknown> = {}, options: GatehouseOptions = {}): Promise<Seeded> {
  const gatehouse = await createTestGatehouse(overrides, options);
  const org = await seedOrganization(gatehouse, 'acme');
  const { user } = await gatehouse.identity.users.create({
    email: 'admin@acme.test', password: ADMIN_PASSWORD, organizationId: org.id, roles: ['admin'],
  });
  const serverKey = (await mintKey(gatehouse, null, MANAGEMENT_PERMISSIONS, { name: 'server' })).key;
  const adminKey = (await mintKey(gatehouse, org.id, MANAGEMENT_PERMISSIONS, { name: 'acme admin' })).key;
  return {
    gatehouse, org, adminUserId: user.id, adminPassword: ADMIN_PASSWORD, serverKey, adminKey,
    api: () => request.agent(gatehouse.app.callback()),
    close: () => gatehouse.close(),
  };
}

/**
 * Seeds one Gatehouse for the enclosing test file (beforeAll) and closes it (afterAll). The
 * returned object is filled in before the first test runs.
 */
export function seededSuite(overrides: Record<string, unknown> = {}, options: GatehouseOptions = {}): Seeded {
  const suite = {} as Seeded;
  beforeAll(async () => {
    Object.assign(suite, await seed(overrides, options));
  });
  afterAll(() => suite.close());
  return suite;
}

/** The fields a 400 problem names, list indexes dropped (`permissions[1]` → `permissions`). */
export function problemFields(body: { errors?: Array<{ field: string }> }): string[] {
  return (body.errors ?? []).map((e) => e.field.replace(/\[\d+\]$/, ''));
}

/** Asserts a 400 problem+json that names `field` (`permissions[1]` or, less precisely, `permissions`). */
export function expectFieldProblem(res: { status: number; type: string; body: { errors?: Array<{ field: string }> } }, field: string): void {
  expect({ status: res.status, type: res.type, code: (res.body as { code?: string }).code })
    .toEqual({ status: 400, type: 'application/problem+json', code: 'validation_failed' });
  const named = (res.body.errors ?? []).map((e) => e.field);
  expect([...named, ...problemFields(res.body)]).toContain(field);
}
