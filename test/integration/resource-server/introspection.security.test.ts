import { OPERATOR } from '../../../src/audit/actor.js';
import { basic, introspectionFixture } from './introspection-fixture.js';

describe('POST /token/introspection for API keys: what a client may learn', () => {
  let f: Awaited<ReturnType<typeof introspectionFixture>>;
  let rs: { id: string; secret: string };
  beforeAll(async () => {
    f = await introspectionFixture();
    rs = await f.client(f.acme.id);
  });
  afterAll(() => f.close());

  const inactive = async (token: string) => {
    const res = await f.introspect({ token }, basic(rs.id, rs.secret)).expect(200);
    expect(res.body).toEqual({ active: false });
  };

  it("reports another organization's key as inactive, with nothing else", async () => {
    await inactive((await f.key(f.other.id)).key);
  });

  it('reports a server-scoped key as inactive', async () => {
    await inactive((await f.key(null)).key);
  });

  it('reports revoked, expired, forged and malformed keys as inactive', async () => {
    const revoked = await f.key(f.acme.id);
    await f.gh.apiKeys.revoke(OPERATOR, f.acme.id, revoked.record.id);
    await inactive(revoked.key);
    const expiring = await f.key(f.acme.id, { expiresInSeconds: 1 });
    await f.gh.store.apiKeys.update(expiring.record.id, { expiresAt: new Date(Date.now() - 1000) });
    f.gh.resourceServer.invalidateKey(expiring.record.id);
    await inactive(expiring.key);
    const good = (await f.key(f.acme.id)).key;
    await inactive(good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA'));
    await inactive('ak_live_nonsense');
  });

  it('stops reporting a key active as soon as it is revoked', async () => {
    const { record, key } = await f.key(f.acme.id);
    expect((await f.introspect({ token: key }, basic(rs.id, rs.secret)).expect(200)).body.active).toBe(true);
    await f.gh.apiKeys.revoke(OPERATOR, f.acme.id, record.id);
    await inactive(key);
  });
});
