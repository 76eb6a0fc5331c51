import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { openStore } from '../../../src/store/open.js';
import { clientConfig, FormAgent, loginAndExchange, refreshAt, seedOAuth, withSlowOidcReads } from '../../support/oauth.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

const OFFLINE = { scope: 'openid offline_access users:read', prompt: 'consent' };

const refresh = (clientId: string, secret: string, refreshToken: string) => refreshAt(server.url, clientId, secret, refreshToken);

async function offlineLogin() {
  const seeded = await seedOAuth(server.gatehouse);
  const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
  const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, OFFLINE);
  expect(tokens.refresh_token).toBeDefined();
  return { ...seeded, config, tokens, secret: seeded.clientSecret! };
}

describe('refresh tokens', () => {
  it('rotates the refresh token on every use and keeps the granted scope', async () => {
    const { config, tokens } = await offlineLogin();
    const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(next.refresh_token).toBeDefined();
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.scope?.split(' ')).toEqual(expect.arrayContaining(['users:read']));
    const third = await oidc.refreshTokenGrant(config, next.refresh_token!);
    expect(third.access_token).toBeDefined();
  });

  it('issues no refresh token without offline_access', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, { scope: 'openid users:read' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('issues no refresh token to a client without the refresh_token grant', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { grant_types: ['authorization_code'] } });
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, OFFLINE);
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('answers invalid_grant to a reused refresh token and revokes the whole grant (the rotated token dies too)', async () => {
    const { client, secret, tokens } = await offlineLogin();
    const first = await refresh(client.clientId, secret, tokens.refresh_token!);
    expect(first.status).toBe(200);
    const reuse = await refresh(client.clientId, secret, tokens.refresh_token!);
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const rotated = await refresh(client.clientId, secret, first.body.refresh_token);
    expect(rotated).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('lets exactly one of ten parallel refreshes of one token succeed, and treats the others as reuse', async () => {
    // a store with network-like latency, so the ten requests interleave inside the token endpoint
    const raceServer = await startTestServer({}, { store: withSlowOidcReads(await openStore('sqlite::memory:')) });
    const seeded = await seedOAuth(raceServer.gatehouse);
    const config = await clientConfig(raceServer.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), raceServer.url, seeded, OFFLINE);
    const { client } = seeded;
    const secret = seeded.clientSecret!;
    const refresh = (clientId: string, s: string, token: string) => refreshAt(raceServer.url, clientId, s, token);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(client.clientId, secret, tokens.refresh_token!)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // the losers revoked the grant (RFC 9700 §4.14.2): the winner's new refresh token is dead as well
    const after = await refresh(client.clientId, secret, ok[0].body.refresh_token);
    expect(after).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await raceServer.stop();
  });

  it('refuses another client\'s refresh token', async () => {
    const { tokens } = await offlineLogin();
    const other = await seedOAuth(server.gatehouse);
    const res = await refresh(other.client.clientId, other.clientSecret!, tokens.refresh_token!);
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('stops granting a permission on refresh once the user lost the role holding it, and refuses a removed member', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded,
      { ...OFFLINE, scope: 'openid offline_access users:read users:write' });
    expect(tokens.scope?.split(' ')).toContain('users:write');
    await server.gatehouse.identity.members.update(OPERATOR, seeded.org.id, seeded.user.id, { roles: ['member'] });
    const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(next.scope?.split(' ')).toContain('users:read');
    expect(next.scope?.split(' ')).not.toContain('users:write');
    const seeded2 = await offlineLogin();
    await server.gatehouse.identity.members.remove(OPERATOR, seeded2.org.id, seeded2.user.id);
    const res = await refresh(seeded2.client.clientId, seeded2.secret, seeded2.tokens.refresh_token!);
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers refresh responses with Cache-Control: no-store', async () => {
    const { client, secret, tokens } = await offlineLogin();
    const res = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
