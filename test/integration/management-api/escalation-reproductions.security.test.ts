import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { OPERATOR } from '../../../src/audit/actor.js';
import { createTestCli, type TestCli } from '../../support/cli.js';
import { mintKey, seededSuite } from '../../support/seed.js';

/*
 * The reproductions of issue 8, each as the attacker ran it against main, now refused. (#1, the
 * cross-organization takeover, is in invitations.security.test.ts; #5 in users.*.test.ts; the
 * log-redaction half of #6 in log-redaction.security.test.ts; PAR in e2e/oauth/par.*.test.ts.)
 */

const s = seededSuite();
const as = (key: string) => ({ 'X-API-Key': key });
/** registered over the API by the organization's admin key, as the attacker's victim would */
const registerClient = async (body: object) =>
  ({ clientId: (await s.api().post('/v1/organizations/acme/clients').set(as(s.adminKey)).send(body).expect(201)).body.client_id as string });

describe('#2 rotating a client secret, or repointing a client, is no way up', () => {
  it('a clients:read,clients:write key cannot rotate the secret of a client holding api_keys:write,users:write', async () => {
    const client = await registerClient({ name: 'provisioner', grant_types: ['client_credentials'], permissions: ['api_keys:write', 'users:write'] });
    const attacker = await mintKey(s.gatehouse, s.org.id, ['clients:read', 'clients:write']);
    const sealedBefore = (await s.gatehouse.store.clients.findById(client.clientId))!.sealedSecret;
    const res = await s.api().post(`/v1/organizations/acme/clients/${client.clientId}/rotate-secret`).set(as(attacker.key));
    expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
    expect(res.body.detail).toContain('api_keys:write');
    expect(res.body.client_secret).toBeUndefined();
    expect((await s.gatehouse.store.clients.findById(client.clientId))!.sealedSecret).toBe(sealedBefore);
  });

  it("cannot PATCH a stronger client's redirect_uris, grant_types or permissions", async () => {
    const web = await registerClient({ name: 'web', redirect_uris: ['https://app.acme.test/cb'] });
    const robot = await registerClient({ name: 'robot', grant_types: ['client_credentials'], permissions: ['users:write'] });
    // clients:write and every read: less than the admin whose consent the web app may hold
    const attacker = await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS.filter((p) => p.endsWith(':read')), 'clients:write']);
    for (const [id, body] of [
      [web.clientId, { redirect_uris: ['https://evil.test/cb'] }],
      [robot.clientId, { grant_types: ['authorization_code'], redirect_uris: ['https://evil.test/cb'] }],
      [robot.clientId, { permissions: ['users:read'] }],
    ] as const) {
      const res = await s.api().patch(`/v1/organizations/acme/clients/${id}`).set(as(attacker.key)).send(body);
      expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
    }
    expect((await s.gatehouse.store.clients.findById(web.clientId))!.redirectUris).toEqual(['https://app.acme.test/cb']);
    expect((await s.gatehouse.store.clients.findById(robot.clientId))!).toMatchObject({ grantTypes: ['client_credentials'], permissions: ['users:write'] });
  });
});

describe('#3 key PATCH and DELETE run the holder and environment checks of create and rotate', () => {
  it('a test key with api_keys:write can neither re-permission, unlimit nor revoke a live key', async () => {
    const live = await mintKey(s.gatehouse, s.org.id, ['audit:read']);
    await s.gatehouse.store.apiKeys.update(live.id, { rateLimit: { limit: 10, windowSeconds: 60 } });
    const before = await s.gatehouse.store.apiKeys.findById(live.id);
    const testKey = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    for (const res of [
      await s.api().patch(`/v1/organizations/acme/api-keys/${live.id}`).set(as(testKey.key)).send({ permissions: ['audit:read', 'api_keys:read'] }),
      await s.api().patch(`/v1/organizations/acme/api-keys/${live.id}`).set(as(testKey.key)).send({ rate_limit: null }),
      await s.api().delete(`/v1/organizations/acme/api-keys/${live.id}`).set(as(testKey.key)),
    ]) expect([res.status, res.body.code]).toEqual([403, 'environment_escalation']);
    expect(await s.gatehouse.store.apiKeys.findById(live.id)).toEqual(before);
    // its own environment stays within reach
    const sibling = await mintKey(s.gatehouse, s.org.id, ['audit:read'], { environment: 'test' });
    await s.api().patch(`/v1/organizations/acme/api-keys/${sibling.id}`).set(as(testKey.key)).send({ name: 'renamed' }).expect(200);
    await s.api().delete(`/v1/organizations/acme/api-keys/${sibling.id}`).set(as(testKey.key)).expect(204);
  });
});

describe('#4 every duration is bounded (at most 10 years) and checked at the edge', () => {
  it('refuses grace_period 8640000000001 (400 naming it); the old key keeps its expiry', async () => {
    const key = await mintKey(s.gatehouse, s.org.id, ['audit:read'], { expiresInSeconds: 86_400 });
    const before = await s.gatehouse.store.apiKeys.findById(key.id);
    for (const grace of [8640000000001, '8640000000001', '3651d', '99999999999s', 1e300]) {
      const res = await s.api().post(`/v1/organizations/acme/api-keys/${key.id}/rotate`).set(as(s.adminKey)).send({ grace_period: grace });
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'grace_period']);
    }
    expect(await s.gatehouse.store.apiKeys.findById(key.id)).toEqual(before);
    const ok = await s.api().post(`/v1/organizations/acme/api-keys/${key.id}/rotate`).set(as(s.adminKey)).send({ grace_period: '3650d' });
    expect(ok.status).toBe(201);
    // never past the key's own expiry, however long the grace
    expect((await s.gatehouse.store.apiKeys.findById(key.id))!.expiresAt).toEqual(before!.expiresAt);
  });

  it('refuses expires_in over 10 years, in the API and in the service', async () => {
    const res = await s.api().post('/v1/organizations/acme/api-keys').set(as(s.adminKey)).send({ name: 'forever', permissions: ['audit:read'], expires_in: '3651d' });
    expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'expires_in']);
    await expect(s.gatehouse.apiKeys.create(OPERATOR, s.org.id, { name: 'x', permissions: ['audit:read'], expiresInSeconds: 8640000000001 }))
      .rejects.toMatchObject({ status: 400, extra: { errors: [{ field: 'expires_in' }] } });
    await expect(s.gatehouse.apiKeys.rotate(OPERATOR, s.org.id, 'key_none', Number.NaN))
      .rejects.toMatchObject({ status: 400, extra: { errors: [{ field: 'grace_period' }] } });
  });

  describe('in the CLI', () => {
    let cli: TestCli;
    beforeAll(async () => {
      cli = createTestCli();
      expect((await cli.run(['orgs', 'create', 'acme'])).code).toBe(0);
    });
    afterAll(() => cli.cleanup());

    it('refuses --expires-in over 10 years with a usage error naming the option', async () => {
      const res = await cli.run(['keys', 'create', '--org', 'acme', '--name', 'k', '--permissions', 'audit:read', '--expires-in', '3651d']);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/--expires-in must be .*at most 10 years/);
      expect((await cli.run(['keys', 'create', '--org', 'acme', '--name', 'k', '--permissions', 'audit:read', '--expires-in', '3650d'])).code).toBe(0);
    });
  });
});
