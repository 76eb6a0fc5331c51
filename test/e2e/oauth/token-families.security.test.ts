import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { openStore } from '../../../src/store/open.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { authorize, clientConfig, FormAgent, loginAndExchange, REDIRECT_URI, refreshAt, seedOAuth, withSlowOidcReads } from '../../support/oauth.js';

/**
 * SPEC §3 token families: each authorization's tokens descend from a grant of its own, so a
 * replayed code or a reused refresh token ends that authorization only, never the person's other
 * sessions with the app; and `oauth.refreshReuseIntervalSeconds` turns a quick retry into the
 * same answer instead of a reuse.
 */
const OFFLINE = { scope: 'openid offline_access users:read', prompt: 'consent' };


/** A server, one person and one app, and a helper that signs in again (a new session, a new token family). */
async function setup(server: RunningGatehouse) {
  const seeded = await seedOAuth(server.gatehouse);
  const secret = seeded.clientSecret!;
  const config = await clientConfig(server.url, seeded.client.clientId, secret);
  const session = async () => (await loginAndExchange(config, new FormAgent(), server.url, seeded, OFFLINE)).tokens;
  const refresh = (token: string) => refreshAt(server.url, seeded.client.clientId, secret, token);
  return { ...seeded, config, session, refresh };
}

describe('without a reuse interval', () => {
  let server: RunningGatehouse;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server.stop(); });

  it('a replayed code revokes the tokens of its own authorization only', async () => {
    const { config, session, refresh, email, password } = await setup(server);
    const other = await session();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI, ...OFFLINE, state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const { callback } = await authorize(new FormAgent(), server.url, url, { email, password });
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's' });
    await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's' }))
      .rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await refresh(tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refresh(other.refresh_token!)).status).toBe(200);
  });

  it('a reused refresh token revokes its family (the rotated token too), and another session keeps working', async () => {
    const { session, refresh } = await setup(server);
    const [mine, other] = [await session(), await session()];
    const first = await refresh(mine.refresh_token!);
    expect(first.status).toBe(200);
    expect(await refresh(mine.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await refresh(first.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refresh(other.refresh_token!)).status).toBe(200);
  });

  it('of parallel refreshes exactly one wins and the family dies, while another session\'s refresh token still works', async () => {
    const slow = await startTestServer({}, { store: withSlowOidcReads(await openStore('sqlite::memory:')) });
    try {
      const { session, refresh } = await setup(slow);
      const [mine, other] = [await session(), await session()];
      const results = await Promise.all(Array.from({ length: 8 }, () => refresh(mine.refresh_token!)));
      const won = results.filter((r) => r.status === 200);
      expect(won).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect((await refresh(won[0].body.refresh_token)).status).toBe(400);
      expect((await refresh(other.refresh_token!)).status).toBe(200);
    } finally {
      await slow.stop();
    }
  });
});

describe('with oauth.refreshReuseIntervalSeconds', () => {
  it('answers parallel refreshes inside the interval with one and the same new pair, and the family lives on', async () => {
    const server = await startTestServer({ oauth: { refreshReuseIntervalSeconds: 30 } }, { store: withSlowOidcReads(await openStore('sqlite::memory:')) });
    try {
      const { session, refresh } = await setup(server);
      const mine = await session();
      const results = await Promise.all(Array.from({ length: 8 }, () => refresh(mine.refresh_token!)));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(new Set(results.map((r) => r.body.refresh_token)).size).toBe(1);
      expect(new Set(results.map((r) => r.body.access_token)).size).toBe(1);
      expect(results[0].body.refresh_token).not.toBe(mine.refresh_token);
      // a retry a moment later gets the same pair again
      expect((await refresh(mine.refresh_token!)).body.refresh_token).toBe(results[0].body.refresh_token);
      const next = await refresh(results[0].body.refresh_token);
      expect(next.status).toBe(200);
      expect(next.body.refresh_token).not.toBe(results[0].body.refresh_token);
    } finally {
      await server.stop();
    }
  });

  it('after the interval, reuse revokes the family; another session of the same person and app still works', async () => {
    const server = await startTestServer({ oauth: { refreshReuseIntervalSeconds: 1 } });
    try {
      const { session, refresh } = await setup(server);
      const [mine, other] = [await session(), await session()];
      const first = await refresh(mine.refresh_token!);
      expect(first.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await refresh(mine.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(await refresh(first.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect((await refresh(other.refresh_token!)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('keeps the first answer sealed: the store never holds its tokens in plaintext', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-reuse-'));
    const store = await openStore(`sqlite:${join(dir, 'gatehouse.db')}`);
    const server = await startTestServer({ oauth: { refreshReuseIntervalSeconds: 30 } }, { store });
    try {
      const { session, refresh } = await setup(server);
      const mine = await session();
      const first = await refresh(mine.refresh_token!);
      expect((await refresh(mine.refresh_token!)).body.access_token).toBe(first.body.access_token);
      const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f)))).toString('latin1');
      expect(bytes).toContain('RefreshReplay');
      for (const value of [first.body.refresh_token, first.body.access_token, mine.refresh_token!]) expect(bytes).not.toContain(value);
    } finally {
      await server.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
