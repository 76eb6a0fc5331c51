import { newId } from '../../../src/domain/ids.js';
import { at, membership, resource, role, user, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Memberships, roles and resources: what an organization holds. */
export function membershipsRolesResourcesContract(ctx: StoreContext): void {
  describe('memberships', () => {
    it('finds, lists by organization (paged, newest first) and by user, updates roles and the disabled flag, deletes', async () => {
      const orgA = newId('org');
      const orgB = newId('org');
      const users = [user(), user(), user()];
      const made = [];
      for (const u of users) {
        const m = membership(orgA, { userId: u.id });
        await ctx.store.memberships.create(m);
        made.push(m);
      }
      const other = membership(orgB, { userId: users[0].id, roles: ['admin', 'billing'] });
      await ctx.store.memberships.create(other);

      expect(await ctx.store.memberships.find(orgA, users[1].id)).toEqual(made[1]);
      expect(await ctx.store.memberships.find(orgB, users[1].id)).toBeNull();
      const listed = await walk((p) => ctx.store.memberships.listByOrganization(orgA, p), 2, (m) => m.id);
      expect(listed).toEqual([...made].reverse());
      const byUser = await ctx.store.memberships.listByUser(users[0].id);
      expect(byUser).toHaveLength(2);
      expect(byUser).toEqual(expect.arrayContaining([made[0], other]));

      const promoted = { ...made[2], roles: ['admin'] };
      expect(await ctx.store.memberships.update(orgA, users[2].id, { roles: ['admin'] })).toEqual({ outcome: 'updated', membership: promoted });
      expect(await ctx.store.memberships.find(orgA, users[2].id)).toEqual(promoted);
      expect(await ctx.store.memberships.update(orgA, users[1].id, { disabled: true }))
        .toEqual({ outcome: 'updated', membership: { ...made[1], disabled: true } });
      expect(await ctx.store.memberships.update(orgA, users[1].id, { roles: undefined, disabled: false }))
        .toEqual({ outcome: 'updated', membership: made[1] });
      expect(await ctx.store.memberships.update(orgB, users[2].id, { roles: ['admin'] })).toEqual({ outcome: 'not_found' });

      expect(await ctx.store.memberships.delete(orgA, users[1].id)).toBe('deleted');
      expect(await ctx.store.memberships.delete(orgA, users[1].id)).toBe('not_found');
      expect(await ctx.store.memberships.find(orgA, users[1].id)).toBeNull();
    });

    it('refuses a second membership of the same user in the same organization with UniqueViolation("membership")', async () => {
      const org = newId('org');
      const userId = newId('usr');
      await ctx.store.memberships.create(membership(org, { userId, roles: [] }));
      await expect(ctx.store.memberships.create(membership(org, { userId, roles: ['admin'] })))
        .rejects.toMatchObject({ name: 'UniqueViolation', field: 'membership' });
    });

    it('never takes away the last enabled admin: not by demotion, disabling nor deletion', async () => {
      const org = newId('org');
      const admin = membership(org, { roles: ['admin', 'billing'] });
      const disabledAdmin = membership(org, { roles: ['admin'], disabled: true });
      const member = membership(org);
      for (const m of [admin, disabledAdmin, member]) await ctx.store.memberships.create(m);

      expect(await ctx.store.memberships.update(org, admin.userId, { roles: ['billing'] })).toEqual({ outcome: 'last_admin' });
      expect(await ctx.store.memberships.update(org, admin.userId, { disabled: true })).toEqual({ outcome: 'last_admin' });
      expect(await ctx.store.memberships.delete(org, admin.userId)).toBe('last_admin');
      expect(await ctx.store.memberships.find(org, admin.userId)).toEqual(admin);
      // changes that keep the admin an enabled admin, and changes to anyone else, go through
      expect((await ctx.store.memberships.update(org, admin.userId, { roles: ['admin'] })).outcome).toBe('updated');
      expect((await ctx.store.memberships.update(org, member.userId, { disabled: true })).outcome).toBe('updated');
      expect(await ctx.store.memberships.delete(org, disabledAdmin.userId)).toBe('deleted');

      // with a second enabled admin, the first may go
      await ctx.store.memberships.update(org, member.userId, { roles: ['admin'], disabled: false });
      expect(await ctx.store.memberships.delete(org, admin.userId)).toBe('deleted');
      expect(await ctx.store.memberships.update(org, member.userId, { roles: ['member'] })).toEqual({ outcome: 'last_admin' });
    });

    it('changes nothing when the roles are no longer the expected ones (someone changed them meanwhile)', async () => {
      const org = newId('org');
      const m = membership(org, { roles: ['member'] });
      await ctx.store.memberships.create(m);
      expect(await ctx.store.memberships.update(org, m.userId, { roles: ['billing'] }, ['admin'])).toEqual({ outcome: 'changed' });
      expect(await ctx.store.memberships.delete(org, m.userId, ['admin'])).toBe('changed');
      expect(await ctx.store.memberships.find(org, m.userId)).toEqual(m);
      expect((await ctx.store.memberships.update(org, m.userId, { disabled: true }, ['member'])).outcome).toBe('updated');
      expect(await ctx.store.memberships.delete(org, m.userId, ['member'])).toBe('deleted');
    });

    it('of two admins demoted at once on two connections, exactly one is demoted', async () => {
      for (let round = 0; round < 3; round++) {
        const org = newId('org');
        const a = membership(org, { roles: ['admin'] });
        const b = membership(org, { roles: ['admin'] });
        await ctx.store.memberships.create(a);
        await ctx.store.memberships.create(b);
        const outcomes = await Promise.all([
          ctx.store.memberships.update(org, a.userId, { roles: ['member'] }),
          ctx.peer.memberships.delete(org, b.userId),
        ]);
        const done = [outcomes[0].outcome === 'updated', outcomes[1] === 'deleted'];
        expect(done.filter(Boolean)).toHaveLength(1);
        const left = (await ctx.store.memberships.listByOrganization(org, { limit: 10 })).items;
        expect(left.filter((m) => m.roles.includes('admin'))).toHaveLength(1);
      }
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
