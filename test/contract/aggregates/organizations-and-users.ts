import { UniqueViolation } from '../../../src/store/ports.js';
import { at, newestFirst, organization, user, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Organizations and users. */
export function organizationsAndUsersContract(ctx: StoreContext): void {
  describe('organizations', () => {
    it('finds a created organization by id and by slug, field for field', async () => {
      const org = organization({ name: 'Acme Inc', plan: 'pro' });
      await ctx.store.organizations.create(org);
      expect(await ctx.store.organizations.findById(org.id)).toEqual(org);
      expect(await ctx.store.organizations.findBySlug(org.slug)).toEqual(org);
      expect(await ctx.store.organizations.findById('org_missing')).toBeNull();
      expect(await ctx.store.organizations.findBySlug('no-such-slug')).toBeNull();
    });

    it('refuses a second organization with the same slug with UniqueViolation("slug")', async () => {
      const org = organization();
      await ctx.store.organizations.create(org);
      const err = await ctx.store.organizations.create(organization({ slug: org.slug })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolation);
      expect((err as UniqueViolation).field).toBe('slug');
    });

    it('pages every organization newest first, each cursor continuing after the last item', async () => {
      const created = [];
      for (let i = 0; i < 5; i++) {
        const org = organization();
        await ctx.store.organizations.create(org);
        created.push(org.id);
      }
      const ids = (await walk((p) => ctx.store.organizations.list(p), 2, (o) => o.id)).map((o) => o.id);
      expect(ids).toEqual(newestFirst(ids));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(created));
      const first = await ctx.store.organizations.list({ limit: 200 });
      expect(first.nextCursor).toBeNull();
      expect(first.items.map((o) => o.id)).toEqual(ids);
    });

    it('updates only the fields a patch sets and returns the stored organization', async () => {
      const org = organization({ plan: 'free' });
      await ctx.store.organizations.create(org);
      const updated = await ctx.store.organizations.update(org.id, { plan: 'enterprise', name: undefined });
      expect(updated).toEqual({ ...org, plan: 'enterprise' });
      expect(await ctx.store.organizations.findById(org.id)).toEqual(updated);
      expect(await ctx.store.organizations.update('org_missing', { name: 'x' })).toBeNull();
    });

    it('keeps the leaked-key policy (revoke by default) and changes only it by update', async () => {
      const org = organization();
      await ctx.store.organizations.create(org);
      expect((await ctx.peer.organizations.findById(org.id))!.leakedKeyPolicy).toBe('revoke');
      expect(await ctx.store.organizations.update(org.id, { leakedKeyPolicy: 'notify' })).toEqual({ ...org, leakedKeyPolicy: 'notify' });
      expect(await ctx.peer.organizations.findBySlug(org.slug)).toEqual({ ...org, leakedKeyPolicy: 'notify' });
      expect(await ctx.store.organizations.update(org.id, { name: 'Renamed' })).toEqual({ ...org, name: 'Renamed', leakedKeyPolicy: 'notify' });
    });

    it('returns fresh objects: changing a result does not change the store', async () => {
      const org = organization();
      await ctx.store.organizations.create(org);
      const found = (await ctx.store.organizations.findById(org.id))!;
      found.name = 'mutated';
      found.createdAt.setTime(0);
      expect(await ctx.store.organizations.findById(org.id)).toEqual(org);
    });
  });

  describe('users', () => {
    it('finds a created user by id and by email, with every field', async () => {
      const u = user({ name: null, disabled: true });
      await ctx.store.users.create(u);
      expect(await ctx.store.users.findById(u.id)).toEqual(u);
      expect(await ctx.store.users.findByEmail(u.email)).toEqual(u);
      expect(await ctx.store.users.findByEmail('nobody@example.com')).toBeNull();
      expect(await ctx.store.users.findById('usr_missing')).toBeNull();
    });

    it('refuses a duplicate email with UniqueViolation("email")', async () => {
      const u = user();
      await ctx.store.users.create(u);
      await expect(ctx.store.users.create(user({ email: u.email }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'email' });
    });

    it('updates name, password hash, disabled and updatedAt', async () => {
      const u = user();
      await ctx.store.users.create(u);
      const patch = { name: 'Grace', passwordHash: '$argon2id$new', disabled: true, updatedAt: at(-1000) };
      expect(await ctx.store.users.update(u.id, patch)).toEqual({ ...u, ...patch });
      expect(await ctx.store.users.findByEmail(u.email)).toEqual({ ...u, ...patch });
      expect(await ctx.store.users.update('usr_missing', { disabled: true })).toBeNull();
    });
  });
}
