import argon2 from 'argon2';
import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { HttpProblem } from '../../../src/http/problem.js';
import { createPasswords, DUMMY_HASH, type Passwords } from '../../../src/identity/passwords.js';
import { createPermissionService } from '../../../src/identity/permissions.js';
import { createRoles } from '../../../src/identity/roles.js';
import { createMembers } from '../../../src/identity/members.js';
import { createUsers } from '../../../src/identity/users.js';
import type { Organization } from '../../../src/store/ports.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let gh: Gatehouse;
let org: Organization;
beforeAll(async () => {
  gh = await createTestGatehouse();
  org = await gh.identity.organizations.create({ slug: 'acme' });
});
afterAll(async () => { await gh.close(); });

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

const PASSWORD = 'correct horse battery staple';

describe('creating users', () => {
  it('stores a lower-cased email and an argon2id hash, never the password, and joins as member by default', async () => {
    const { user, membership } = await gh.identity.users.create({ email: ' Ada@Example.COM ', password: PASSWORD, organizationId: org.id });
    expect(user.email).toBe('ada@example.com');
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(await gh.store.users.findById(user.id))).not.toContain(PASSWORD);
    expect(membership).toMatchObject({ organizationId: org.id, userId: user.id, roles: ['member'] });
  });

  it('creates a user without an organization', async () => {
    const result = await gh.identity.users.create({ email: 'loner@example.com', password: PASSWORD, name: 'Lone Wolf' });
    expect(result.membership).toBeUndefined();
    expect(result.user.name).toBe('Lone Wolf');
    expect(await gh.store.memberships.listByUser(result.user.id)).toEqual([]);
  });

  it('refuses a duplicate email whatever its case with 409 user_exists', async () => {
    await gh.identity.users.create({ email: 'dupe@example.com', password: PASSWORD });
    const problem = await problemOf(gh.identity.users.create({ email: 'DUPE@example.com', password: PASSWORD }));
    expect([problem.status, problem.code]).toEqual([409, 'user_exists']);
  });

  it('refuses a bad email and a short password in one 400, storing nothing', async () => {
    const problem = await problemOf(gh.identity.users.create({ email: 'not-an-email', password: 'short', organizationId: org.id }));
    expect(problem.status).toBe(400);
    expect((problem.body().errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['email', 'password']);
    expect(await gh.identity.users.getByEmail('not-an-email')).toBeNull();
  });

  it('refuses an unknown role before creating the user', async () => {
    const problem = await problemOf(gh.identity.users.create({ email: 'roles@example.com', password: PASSWORD, organizationId: org.id, roles: ['wizard'] }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toMatch(/"wizard" is neither a built-in role/);
    expect(await gh.identity.users.getByEmail('roles@example.com')).toBeNull();
  });

  it('answers 404 for an unknown organization, storing nothing', async () => {
    const problem = await problemOf(gh.identity.users.create({ email: 'lost@example.com', password: PASSWORD, organizationId: 'org_missing' }));
    expect(problem.status).toBe(404);
    expect(await gh.identity.users.getByEmail('lost@example.com')).toBeNull();
  });
});

describe('verifying passwords', () => {
  beforeAll(async () => {
    await gh.identity.users.create({ email: 'grace@example.com', password: PASSWORD, organizationId: org.id });
  });

  it('returns the user for the right password, with the email in any case', async () => {
    expect((await gh.identity.users.verifyPassword('Grace@Example.com', PASSWORD))?.email).toBe('grace@example.com');
  });

  it('returns null for a wrong password, an unknown email and a malformed email', async () => {
    expect(await gh.identity.users.verifyPassword('grace@example.com', 'wrong password!')).toBeNull();
    expect(await gh.identity.users.verifyPassword('nobody@example.com', PASSWORD)).toBeNull();
    expect(await gh.identity.users.verifyPassword('not an email', PASSWORD)).toBeNull();
  });

  it('returns null for a disabled user even with the right password', async () => {
    const { user } = await gh.identity.users.create({ email: 'disabled@example.com', password: PASSWORD });
    await gh.identity.users.update(user.id, { disabled: true });
    expect(await gh.identity.users.verifyPassword('disabled@example.com', PASSWORD)).toBeNull();
  });

  it('runs one argon2 verification, against the dummy hash, when the email is unknown', async () => {
    const real = createPasswords();
    const verified: string[] = [];
    const counting: Passwords = { ...real, verify: async (hash, pw) => { verified.push(hash); return real.verify(hash, pw); } };
    const roles = createRoles(gh.store, createPermissionService(gh.store, gh.config));
    const users = createUsers(gh.store, counting, roles, createMembers(gh.store, createPermissionService(gh.store, gh.config), roles, gh.events));
    expect(await users.verifyPassword('nobody@example.com', PASSWORD)).toBeNull();
    expect(await users.verifyPassword('not an email', PASSWORD)).toBeNull();
    expect(await users.verifyPassword('grace@example.com', 'wrong password!')).toBeNull();
    expect(verified).toHaveLength(3);
    expect(verified[0]).toBe(DUMMY_HASH);
    expect(verified[1]).toBe(DUMMY_HASH);
    expect(verified[2]).not.toBe(DUMMY_HASH);
  });

  it('upgrades a hash made with weaker parameters at the next successful sign-in', async () => {
    const { user } = await gh.identity.users.create({ email: 'legacy@example.com', password: PASSWORD });
    const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await gh.store.users.update(user.id, { passwordHash: weak });
    expect(await gh.identity.users.verifyPassword('legacy@example.com', PASSWORD)).not.toBeNull();
    const stored = (await gh.store.users.findById(user.id))!.passwordHash;
    expect(stored).not.toBe(weak);
    expect(gh.identity.passwords.needsRehash(stored)).toBe(false);
    expect(await gh.identity.users.verifyPassword('legacy@example.com', PASSWORD)).not.toBeNull();
  });

  it('changes a password through update, enforcing the policy', async () => {
    const { user } = await gh.identity.users.create({ email: 'changer@example.com', password: PASSWORD });
    expect((await problemOf(gh.identity.users.update(user.id, { password: 'short' }))).status).toBe(400);
    await gh.identity.users.update(user.id, { password: 'a brand new passphrase' });
    expect(await gh.identity.users.verifyPassword('changer@example.com', PASSWORD)).toBeNull();
    expect(await gh.identity.users.verifyPassword('changer@example.com', 'a brand new passphrase')).not.toBeNull();
    expect((await problemOf(gh.identity.users.update('usr_missing', { name: 'x' }))).status).toBe(404);
  });
});

describe('memberships', () => {
  let other: Organization;
  beforeAll(async () => { other = await gh.identity.organizations.create({ slug: 'other-org' }); });

  it('adds, re-roles, lists and removes a member', async () => {
    const { user } = await gh.identity.users.create({ email: 'member@example.com', password: PASSWORD });
    const membership = await gh.identity.members.add(other.id, user.id, ['member']);
    expect(membership.roles).toEqual(['member']);
    expect((await gh.identity.members.update(OPERATOR, other.id, user.id, { roles: ['admin', 'admin'] })).roles).toEqual(['admin']);

    const page = await gh.identity.members.list(other.id);
    const listed = page.items.find((m) => m.userId === user.id)!;
    expect(listed.roles).toEqual(['admin']);
    expect(listed.user).toMatchObject({ id: user.id, email: 'member@example.com' });
    expect(listed.user).not.toHaveProperty('passwordHash');

    // the only admin stays: 409 until someone else is one
    expect(await problemOf(gh.identity.members.remove(OPERATOR, other.id, user.id))).toMatchObject({ status: 409, code: 'last_admin' });
    await gh.identity.users.create({ email: 'second-admin@example.com', password: PASSWORD, organizationId: other.id, roles: ['admin'] });
    await gh.identity.members.remove(OPERATOR, other.id, user.id);
    expect(await gh.store.memberships.find(other.id, user.id)).toBeNull();
    expect((await problemOf(gh.identity.members.remove(OPERATOR, other.id, user.id))).status).toBe(404);
  });

  it('refuses adding a member twice with 409 already_member', async () => {
    const { user } = await gh.identity.users.create({ email: 'twice@example.com', password: PASSWORD, organizationId: other.id });
    const problem = await problemOf(gh.identity.members.add(other.id, user.id, ['member']));
    expect([problem.status, problem.code]).toEqual([409, 'already_member']);
  });

  it('answers 404 for an unknown user, organization or membership', async () => {
    const { user } = await gh.identity.users.create({ email: 'nomember@example.com', password: PASSWORD });
    expect((await problemOf(gh.identity.members.add(other.id, 'usr_missing', ['member']))).status).toBe(404);
    expect((await problemOf(gh.identity.members.add('org_missing', user.id, ['member']))).status).toBe(404);
    expect((await problemOf(gh.identity.members.update(OPERATOR, other.id, user.id, { roles: ['admin'] }))).status).toBe(404);
    expect((await problemOf(gh.identity.members.get(other.id, user.id))).status).toBe(404);
  });

  it('accepts custom roles of the organization and refuses those of another organization', async () => {
    await gh.identity.roles.create(OPERATOR, org.id, { name: 'auditor', permissions: ['audit:read'] });
    const { user } = await gh.identity.users.create({ email: 'auditor@example.com', password: PASSWORD });
    expect((await gh.identity.members.add(org.id, user.id, ['auditor'])).roles).toEqual(['auditor']);
    expect((await problemOf(gh.identity.members.add(other.id, user.id, ['auditor']))).status).toBe(400);
  });
});
