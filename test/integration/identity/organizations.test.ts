import { OPERATOR } from '../../../src/audit/actor.js';
import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { HttpProblem } from '../../../src/http/problem.js';

let gh: Gatehouse;
beforeAll(async () => { gh = await createTestGatehouse(); });
afterAll(async () => { await gh.close(); });

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

describe('organizations', () => {
  it('creates an organization with the slug as name and the default plan', async () => {
    const org = await gh.identity.organizations.create({ slug: 'acme' });
    expect(org).toMatchObject({ slug: 'acme', name: 'acme', plan: gh.config.defaultPlan });
    expect(org.id).toMatch(/^org_/);
    expect(await gh.store.organizations.findById(org.id)).toMatchObject({ slug: 'acme' });
  });

  it('keeps a given name (trimmed) and plan', async () => {
    const org = await gh.identity.organizations.create({ slug: 'globex', name: '  Globex Corp ', plan: 'pro' });
    expect(org).toMatchObject({ name: 'Globex Corp', plan: 'pro' });
    expect(gh.identity.organizations.plan(org)).toEqual(gh.config.plans.pro);
  });

  it('resolves by id and by slug, and answers null for neither', async () => {
    const org = await gh.identity.organizations.create({ slug: 'initech' });
    expect((await gh.identity.organizations.resolve(org.id))?.slug).toBe('initech');
    expect((await gh.identity.organizations.resolve('initech'))?.id).toBe(org.id);
    expect(await gh.identity.organizations.resolve('nobody-here')).toBeNull();
    expect(await gh.identity.organizations.resolve('org_00000000000000000000000000')).toBeNull();
    expect(await gh.identity.organizations.resolve('')).toBeNull();
    expect((await problemOf(gh.identity.organizations.require('nobody-here'))).status).toBe(404);
  });

  it('refuses a duplicate slug with 409 organization_exists', async () => {
    await gh.identity.organizations.create({ slug: 'dupe-co' });
    const problem = await problemOf(gh.identity.organizations.create({ slug: 'dupe-co', name: 'Other' }));
    expect(problem.status).toBe(409);
    expect(problem.code).toBe('organization_exists');
  });

  it('refuses an unknown plan, naming the configured ones', async () => {
    const problem = await problemOf(gh.identity.organizations.create({ slug: 'planless', plan: 'platinum' }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toMatch(/plan: "platinum" is not a configured plan; must be one of: free, pro/);
    expect(await gh.identity.organizations.resolve('planless')).toBeNull();
  });

  it('refuses an inherited property name as a plan', async () => {
    expect((await problemOf(gh.identity.organizations.create({ slug: 'proto-co', plan: 'constructor' }))).status).toBe(400);
  });

  it('refuses a malformed slug and a bad name in one 400', async () => {
    const problem = await problemOf(gh.identity.organizations.create({ slug: 'Bad Slug', name: '' }));
    expect(problem.status).toBe(400);
    expect((problem.body().errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['slug', 'name']);
  });

  it('lists newest first with cursor paging', async () => {
    const first = await gh.identity.organizations.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await gh.identity.organizations.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items[0].id < first.items[1].id).toBe(true);
  });

  it('updates name and plan, refusing an unknown plan', async () => {
    const org = await gh.identity.organizations.create({ slug: 'updatable' });
    expect(await gh.identity.organizations.update(OPERATOR, org.id, { name: 'Updated', plan: 'pro' })).toMatchObject({ name: 'Updated', plan: 'pro' });
    expect((await problemOf(gh.identity.organizations.update(OPERATOR, org.id, { plan: 'gold' }))).status).toBe(400);
    expect((await problemOf(gh.identity.organizations.update(OPERATOR, 'org_missing', { name: 'x' }))).status).toBe(404);
  });

  it('falls back to the default plan when an organization\'s plan left the configuration', () => {
    const org = { id: 'org_x', slug: 'x-co', name: 'x', plan: 'retired', mfaRequired: false, leakedKeyPolicy: 'revoke' as const, createdAt: new Date() };
    expect(gh.identity.organizations.plan(org)).toEqual(gh.config.plans[gh.config.defaultPlan]);
  });
});
