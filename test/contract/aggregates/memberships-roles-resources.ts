import { newId } from '../../../src/domain/ids.js';
import { at, resource, role, user, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Memberships, roles and resources: what an organization holds. */
export function membershipsRolesResourcesContract(ctx: StoreContext): void {
  describe('memberships', () => {
    it('finds, lists by organization (paged, newest first) and by user, sets roles and deletes', async () => {
      const orgA = newId('org');
      const orgB = newId('org');
      const users = [user(), user(), user()];
      const made = [];
      for (const u of users) {
        const m = { id: newId('mem'), organizationId: orgA, userId: u.id, roles: ['member'], createdAt: at() };
        await ctx.store.memberships.create(m);
        made.push(m);
      }
      const other = { id: newId('mem'), organizationId: orgB, userId: users[0].id, roles: ['admin', 'billing'], createdAt: at() };
      await ctx.store.memberships.create(other);

      expect(await ctx.store.memberships.find(orgA, users[1].id)).toEqual(made[1]);
      expect(await ctx.store.memberships.find(orgB, users[1].id)).toBeNull();
      const listed = await walk((p) => ctx.store.memberships.listByOrganization(orgA, p), 2, (m) => m.id);
      expect(listed).toEqual([...made].reverse());
      const byUser = await ctx.store.memberships.listByUser(users[0].id);
      expect(byUser).toHaveLength(2);
      expect(byUser).toEqual(expect.arrayContaining([made[0], other]));

      expect(await ctx.store.memberships.setRoles(orgA, users[2].id, ['admin'])).toEqual({ ...made[2], roles: ['admin'] });
      expect(await ctx.store.memberships.find(orgA, users[2].id)).toEqual({ ...made[2], roles: ['admin'] });
      expect(await ctx.store.memberships.setRoles(orgB, users[2].id, ['admin'])).toBeNull();

      expect(await ctx.store.memberships.delete(orgA, users[1].id)).toBe(true);
      expect(await ctx.store.memberships.delete(orgA, users[1].id)).toBe(false);
      expect(await ctx.store.memberships.find(orgA, users[1].id)).toBeNull();
    });

    it('refuses a second membership of the same user in the same organization with UniqueViolation("membership")', async () => {
      const org = newId('org');
      const userId = newId('usr');
      await ctx.store.memberships.create({ id: newId('mem'), organizationId: org, userId, roles: [], createdAt: at() });
      await expect(ctx.store.memberships.create({ id: newId('mem'), organizationId: org, userId, roles: ['admin'], createdAt: at() }))
        .rejects.toMatchObject({ name: 'UniqueViolation', field: 'membership' });
    });
  });

  describe('roles', () => {
    it('finds a role by id and name only within its organization', async () => {
      const org = newId('org');
      const r = role(org, { description: null });
      await ctx.store.roles.create(r);
      expect(await ctx.store.roles.findById(org, r.id)).toEqual(r);
      expect(await ctx.store.roles.findByName(org, r.name)).toEqual(r);
      expect(await ctx.store.roles.findById(newId('org'), r.id)).toBeNull();
      expect(await ctx.store.roles.findByName(newId('org'), r.name)).toBeNull();
    });

    it('refuses a duplicate name within an organization with UniqueViolation("name"), allows it in another', async () => {
      const org = newId('org');
      const r = role(org);
      await ctx.store.roles.create(r);
      await expect(ctx.store.roles.create(role(org, { name: r.name }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'name' });
      await expect(ctx.store.roles.create(role(newId('org'), { name: r.name }))).resolves.toBeUndefined();
    });

    it('lists newest first with paging, updates and deletes within the organization', async () => {
      const org = newId('org');
      const roles = [role(org), role(org), role(org)];
      for (const r of roles) await ctx.store.roles.create(r);
      await ctx.store.roles.create(role(newId('org')));
      expect(await walk((p) => ctx.store.roles.list(org, p), 2, (r) => r.id)).toEqual([...roles].reverse());

      const patch = { description: null, permissions: ['reports:read'], updatedAt: at(-5) };
      expect(await ctx.store.roles.update(org, roles[0].id, patch)).toEqual({ ...roles[0], ...patch });
      expect(await ctx.store.roles.update(newId('org'), roles[0].id, patch)).toBeNull();
      expect(await ctx.store.roles.delete(newId('org'), roles[0].id)).toBe(false);
      expect(await ctx.store.roles.delete(org, roles[0].id)).toBe(true);
      expect(await ctx.store.roles.findById(org, roles[0].id)).toBeNull();
    });
  });

  describe('resources', () => {
    it('finds by identifier across organizations and by id within one', async () => {
      const org = newId('org');
      const r = resource(org);
      await ctx.store.resources.create(r);
      expect(await ctx.store.resources.findByIdentifier(r.identifier)).toEqual(r);
      expect(await ctx.store.resources.findById(org, r.id)).toEqual(r);
      expect(await ctx.store.resources.findById(newId('org'), r.id)).toBeNull();
      expect(await ctx.store.resources.findByIdentifier('https://nowhere.example.com')).toBeNull();
    });

    it('refuses an identifier already used, even by another organization, with UniqueViolation("identifier")', async () => {
      const r = resource(newId('org'));
      await ctx.store.resources.create(r);
      await expect(ctx.store.resources.create(resource(newId('org'), { identifier: r.identifier })))
        .rejects.toMatchObject({ name: 'UniqueViolation', field: 'identifier' });
    });

    it('lists newest first with paging, updates and deletes', async () => {
      const org = newId('org');
      const rs = [resource(org), resource(org), resource(org)];
      for (const r of rs) await ctx.store.resources.create(r);
      expect(await walk((p) => ctx.store.resources.list(org, p), 1, (r) => r.id)).toEqual([...rs].reverse());
      const patch = { name: 'Billing', permissions: ['billing:read'], updatedAt: at(-3) };
      expect(await ctx.store.resources.update(org, rs[1].id, patch)).toEqual({ ...rs[1], ...patch });
      expect(await ctx.store.resources.update(org, 'res_missing', patch)).toBeNull();
      expect(await ctx.store.resources.delete(org, rs[1].id)).toBe(true);
      expect(await ctx.store.resources.delete(org, rs[1].id)).toBe(false);
      expect(await ctx.store.resources.findByIdentifier(rs[1].identifier)).toBeNull();
    });
  });
}
