import { newId } from '../../../src/domain/ids.js';
import type { AppConnection } from '../../../src/store/ports.js';
import { at, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

function connection(organizationId: string, clientId: string, over: Partial<AppConnection> = {}): AppConnection {
  return {
    id: newId('con'), organizationId, clientId, userId: newId('usr'), scopes: ['openid', 'email'],
    resources: [{ indicator: 'https://api.example.com/v1', scopes: ['invoices:read'] }], createdAt: at(1000), updatedAt: at(1000), ...over,
  };
}

/** Connected apps: remembered consent per (organization, client, user). */
export function appConnectionsContract(ctx: StoreContext): void {
  const connections = () => ctx.store.appConnections;

  it('saves a connection and finds it by id and by its organization, client and user', async () => {
    const c = connection(newId('org'), newId('cli'));
    expect(await connections().save(c)).toEqual(c);
    expect(await connections().findById(c.id)).toEqual(c);
    expect(await connections().find(c.organizationId, c.clientId, c.userId)).toEqual(c);
    expect(await connections().find(c.organizationId, c.clientId, newId('usr'))).toBeNull();
    expect(await connections().findById(newId('con'))).toBeNull();
  });

  it('saving the same triple again keeps its id and first time, and replaces scopes, resources and updatedAt', async () => {
    const first = connection(newId('org'), newId('cli'));
    await connections().save(first);
    const again = { ...first, id: newId('con'), scopes: ['openid'], resources: [], createdAt: at(), updatedAt: at() };
    const stored = await connections().save(again);
    expect(stored).toEqual({ ...again, id: first.id, createdAt: first.createdAt });
    expect(await connections().findById(again.id)).toBeNull();
    expect(await ctx.peer.appConnections.find(first.organizationId, first.clientId, first.userId)).toEqual(stored);
  });

  it('keeps one row when the same triple is saved concurrently from two connections', async () => {
    const base = connection(newId('org'), newId('cli'));
    const saves = await Promise.all([
      connections().save(base), ctx.peer.appConnections.save({ ...base, id: newId('con') }), connections().save({ ...base, id: newId('con') }),
    ]);
    expect(new Set(saves.map((s) => s.id)).size).toBe(1);
    expect(await connections().listByClient(base.organizationId, base.clientId, 10)).toHaveLength(1);
  });

  it("lists an organization's connected clients, descending and paged, and one client's connections newest first", async () => {
    const org = newId('org');
    const clients = [newId('cli'), newId('cli'), newId('cli')];
    const made: AppConnection[] = [];
    for (const clientId of clients) for (let i = 0; i < 2; i++) made.push(await connections().save(connection(org, clientId)));
    await connections().save(connection(newId('org'), clients[0]));
    expect(await walk((p) => connections().listClients(org, p), 2, (id) => id)).toEqual([...clients].reverse());
    const ofFirst = made.filter((c) => c.clientId === clients[0]);
    expect(await connections().listByClient(org, clients[0], 10)).toEqual([...ofFirst].reverse());
    expect(await connections().listByClient(org, clients[0], 1)).toEqual([ofFirst[1]]);
  });

  it('deletes every connection of one client in one organization, and nothing else', async () => {
    const org = newId('org');
    const clientId = newId('cli');
    const mine = [connection(org, clientId), connection(org, clientId)];
    const otherClient = connection(org, newId('cli'));
    const otherOrg = connection(newId('org'), clientId);
    for (const c of [...mine, otherClient, otherOrg]) await connections().save(c);
    expect(await connections().deleteByClient(org, clientId)).toBe(2);
    expect(await connections().deleteByClient(org, clientId)).toBe(0);
    expect(await connections().findById(mine[0].id)).toBeNull();
    expect(await connections().findById(otherClient.id)).toEqual(otherClient);
    expect(await connections().findById(otherOrg.id)).toEqual(otherOrg);
  });

  it("deletes every connection of one user in one organization, whatever the client, and nothing else", async () => {
    const org = newId('org');
    const userId = newId('usr');
    const mine = [connection(org, newId('cli'), { userId }), connection(org, newId('cli'), { userId })];
    const otherUser = connection(org, mine[0].clientId);
    const otherOrg = connection(newId('org'), mine[0].clientId, { userId });
    for (const c of [...mine, otherUser, otherOrg]) await connections().save(c);
    expect(await connections().deleteByUser(org, userId)).toBe(2);
    expect(await ctx.peer.appConnections.deleteByUser(org, userId)).toBe(0);
    for (const c of mine) expect(await connections().findById(c.id)).toBeNull();
    expect(await connections().findById(otherUser.id)).toEqual(otherUser);
    expect(await connections().findById(otherOrg.id)).toEqual(otherOrg);
  });
}
