import { newId } from '../../../src/domain/ids.js';
import { apiKey, at, client, role, scimToken } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** Taking permissions away from every role, API key, client and SCIM token holding them. */
export function permissionHoldersContract(ctx: StoreContext): void {
  /** A role, a key, a client and a SCIM token in `org` holding `permissions`, stored. */
  async function holders(org: string | null, permissions: string[]) {
    const made = {
      role: org === null ? null : role(org, { permissions, updatedAt: at(60_000) }),
      key: apiKey(org, { permissions, updatedAt: at(60_000) }),
      client: org === null ? null : client(org, { permissions, updatedAt: at(60_000) }),
      scim: org === null ? null : scimToken(org, { permissions, updatedAt: at(60_000) }),
    };
    if (made.role) await ctx.store.roles.create(made.role);
    await ctx.store.apiKeys.create(made.key);
    if (made.client) await ctx.store.clients.create(made.client);
    if (made.scim) await ctx.store.scimTokens.create(made.scim);
    return made;
  }
  const read = async (org: string, h: Awaited<ReturnType<typeof holders>>) => ({
    role: await ctx.store.roles.findById(org, h.role!.id),
    key: await ctx.store.apiKeys.findById(h.key.id),
    client: await ctx.store.clients.findById(h.client!.clientId),
    scim: await ctx.store.scimTokens.findById(org, h.scim!.id),
  });

  it('removes the permissions from the roles, keys, clients and SCIM tokens of the organizations named, stamping what it changed', async () => {
    const [orgA, orgB, orgC] = [newId('org'), newId('org'), newId('org')];
    const a = await holders(orgA, ['pipelines:run', 'pipelines:*', 'users:read']);
    const b = await holders(orgB, ['pipelines:run']);
    const c = await holders(orgC, ['pipelines:run', 'users:read']);
    const untouched = await holders(orgA, ['users:read', 'pipelines:read']);
    const server = await holders(null, ['pipelines:run']);
    const now = at();

    const removed = await ctx.store.permissionHolders.remove([orgA, orgB], ['pipelines:run', 'pipelines:*'], now);
    expect({ ...removed, apiKeyIds: [...removed.apiKeyIds].sort() }).toEqual({ roles: 2, apiKeyIds: [a.key.id, b.key.id].sort(), clients: 2, scimTokens: 2 });
    const afterA = await read(orgA, a);
    expect(afterA.role).toEqual({ ...a.role, permissions: ['users:read'], updatedAt: now });
    expect(afterA.key).toEqual({ ...a.key, permissions: ['users:read'], updatedAt: now });
    expect(afterA.client).toEqual({ ...a.client, permissions: ['users:read'], updatedAt: now });
    expect(afterA.scim).toEqual({ ...a.scim, permissions: ['users:read'], updatedAt: now });
    expect((await read(orgB, b)).key!.permissions).toEqual([]);
    // another organization, a holder of none of them, a server-scoped key: as they were
    expect(await read(orgC, c)).toEqual({ role: c.role, key: c.key, client: c.client, scim: c.scim });
    expect(await read(orgA, untouched)).toEqual({ role: untouched.role, key: untouched.key, client: untouched.client, scim: untouched.scim });
    expect(await ctx.store.apiKeys.findById(server.key.id)).toEqual(server.key);
    // other instances' key caches see the change
    expect((await ctx.peer.apiKeys.changedSince(now)).map((k) => k.id)).toEqual(expect.arrayContaining([a.key.id, b.key.id]));
  });

  it('with no organization named, removes them everywhere, server-scoped keys included', async () => {
    const [orgA, orgB] = [newId('org'), newId('org')];
    const a = await holders(orgA, ['deploys:run', 'users:read']);
    const b = await holders(orgB, ['deploys:run']);
    const server = await holders(null, ['deploys:run', 'audit:read']);
    const removed = await ctx.store.permissionHolders.remove(null, ['deploys:run'], at());
    expect(removed.roles).toBe(2);
    expect(removed.clients).toBe(2);
    expect(removed.scimTokens).toBe(2);
    expect([...removed.apiKeyIds].sort()).toEqual([a.key.id, b.key.id, server.key.id].sort());
    expect((await read(orgA, a)).role!.permissions).toEqual(['users:read']);
    expect((await read(orgB, b)).client!.permissions).toEqual([]);
    expect((await ctx.store.apiKeys.findById(server.key.id))!.permissions).toEqual(['audit:read']);
  });

  it('changes nothing for an empty list of permissions or of organizations', async () => {
    const org = newId('org');
    const h = await holders(org, ['exports:run']);
    const nothing = { roles: 0, apiKeyIds: [], clients: 0, scimTokens: 0 };
    expect(await ctx.store.permissionHolders.remove([org], [], at())).toEqual(nothing);
    expect(await ctx.store.permissionHolders.remove([], ['exports:run'], at())).toEqual(nothing);
    expect(await read(org, h)).toEqual({ role: h.role, key: h.key, client: h.client, scim: h.scim });
  });
}
