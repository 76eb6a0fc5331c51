import { newId } from '../../../src/domain/ids.js';
import { resource } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const T = 1_900_000_000_000;

/** Resource-server bindings: clients bound to resources, read from both sides. */
export function resourceBindingsContract(ctx: StoreContext): void {
  it('binds once (a second bind changes nothing), lists a resource\'s clients oldest first and a client\'s resources', async () => {
    const platform = resource(null);
    const own = resource(newId('org'));
    await ctx.store.resources.create(platform);
    await ctx.store.resources.create(own);
    const [first, second] = [newId('cli'), newId('cli')];
    expect(await ctx.store.resourceBindings.bind({ resourceId: platform.id, clientId: second, createdAt: new Date(T + 1) })).toBe(true);
    expect(await ctx.store.resourceBindings.bind({ resourceId: platform.id, clientId: first, createdAt: new Date(T) })).toBe(true);
    expect(await ctx.peer.resourceBindings.bind({ resourceId: platform.id, clientId: first, createdAt: new Date(T + 5) })).toBe(false);
    expect(await ctx.store.resourceBindings.bind({ resourceId: own.id, clientId: first, createdAt: new Date(T) })).toBe(true);

    expect(await ctx.store.resourceBindings.clientsOf(platform.id)).toEqual([
      { resourceId: platform.id, clientId: first, createdAt: new Date(T) },
      { resourceId: platform.id, clientId: second, createdAt: new Date(T + 1) },
    ]);
    const ofFirst = await ctx.peer.resourceBindings.resourcesOf(first);
    expect(ofFirst.map((r) => r.id).sort()).toEqual([platform.id, own.id].sort());
    expect(ofFirst.find((r) => r.id === platform.id)).toEqual(platform);
    expect(await ctx.store.resourceBindings.resourcesOf(newId('cli'))).toEqual([]);
  });

  it('unbinds (false when not bound), and a deleted resource is no longer among a client\'s resources', async () => {
    const [a, b] = [resource(null), resource(newId('org'))];
    await ctx.store.resources.create(a);
    await ctx.store.resources.create(b);
    const clientId = newId('cli');
    await ctx.store.resourceBindings.bind({ resourceId: a.id, clientId, createdAt: new Date(T) });
    await ctx.store.resourceBindings.bind({ resourceId: b.id, clientId, createdAt: new Date(T) });
    expect(await ctx.store.resourceBindings.unbind(a.id, clientId)).toBe(true);
    expect(await ctx.peer.resourceBindings.unbind(a.id, clientId)).toBe(false);
    expect((await ctx.store.resourceBindings.resourcesOf(clientId)).map((r) => r.id)).toEqual([b.id]);
    await ctx.store.resources.delete(b.organizationId, b.id);
    expect(await ctx.store.resourceBindings.resourcesOf(clientId)).toEqual([]);
  });

  it('binds exactly once under concurrent binds of one pair from two connections', async () => {
    const r = resource(null);
    await ctx.store.resources.create(r);
    const clientId = newId('cli');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).resourceBindings.bind({ resourceId: r.id, clientId, createdAt: new Date(T + i) })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ctx.store.resourceBindings.clientsOf(r.id)).toHaveLength(1);
  });
}
