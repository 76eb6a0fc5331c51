import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { enrolApp, settle, totpCode } from '../../support/accounts.js';
import { outboxMails } from '../../support/mail.js';
import { clientConfig, FormAgent, loginAndExchange, refreshAt } from '../../support/oauth.js';
import { person } from './me-fixture.js';

let server: RunningGatehouse;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('/v1/me', () => {
  it('shows the person their account: email, verification, no second factor yet', async () => {
    const p = await person(server);
    const me = await p.api('GET', '/me');
    expect(me).toEqual({
      status: 200,
      body: {
        object: 'account', id: p.user.id, email: p.email, name: 'Ada Lovelace', email_verified: true,
        mfa: { enabled: false, factors: [], recovery_codes_remaining: 0 }, created_at: p.user.createdAt.toISOString(),
      },
    });
  });

  it('changes the password (the current one required): other sessions\' refresh tokens end, the person is told by mail, the change is audited', async () => {
    const p = await person(server);
    const config = await clientConfig(server.url, p.client.clientId, p.clientSecret);
    const other = await loginAndExchange(config, new FormAgent(), server.url, p, { scope: 'openid offline_access', prompt: 'consent' });
    const res = await p.api('POST', '/me/password', { current_password: p.password, new_password: 'a new and longer passphrase' });
    expect(res.status).toBe(204);
    expect((await refreshAt(server.url, p.client.clientId, p.clientSecret!, other.tokens.refresh_token!)).body.error).toBe('invalid_grant');
    expect(await server.gatehouse.identity.users.verifyPassword(p.email, p.password)).toBeNull();
    expect(await server.gatehouse.identity.users.verifyPassword(p.email, 'a new and longer passphrase')).not.toBeNull();
    await settle(server.gatehouse);
    const notices = (await outboxMails(server.gatehouse.config.dataDir)).filter((m) => JSON.stringify(m.to).includes(p.email));
    expect(notices.map((m) => m.text)).toEqual([expect.stringContaining('Your password was changed')]);
    const events = (await server.gatehouse.audit.list(null, { limit: 50 })).items.filter((e) => e.target?.id === p.user.id);
    expect(events.map((e) => e.action)).toContain('account.password_changed');
    expect(JSON.stringify(events)).not.toContain('passphrase');
  });

  it('lets a member whose token only reads change their own password', async () => {
    const p = await person(server, ['member']);
    expect((await p.api('POST', '/me/password', { current_password: p.password, new_password: 'member passphrase two' })).status).toBe(204);
  });

  it('enrols an authenticator app: a pending factor with its secret and otpauth URI once, active after a first code, with ten recovery codes', async () => {
    const p = await person(server);
    const started = await p.api('POST', '/me/factors/totp', { current_password: p.password, name: 'Work phone' });
    expect(started.status).toBe(201);
    expect(started.body.factor).toMatchObject({ object: 'factor', type: 'totp', name: 'Work phone', status: 'pending', last_used_at: null });
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauth_uri).toBe(`otpauth://totp/Gatehouse:${encodeURIComponent(p.email)}?secret=${started.body.secret}&issuer=Gatehouse`);
    expect((await p.api('GET', '/me/factors')).body.data).toEqual([]);
    const confirmed = await p.api('POST', `/me/factors/totp/${started.body.factor.id}/confirm`, { code: await totpCode(started.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.factor).toMatchObject({ id: started.body.factor.id, status: 'active' });
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    expect((await p.api('GET', '/me/factors')).body.data).toEqual([confirmed.body.factor]);
  });

  it('makes new recovery codes (the old ones stop working) and removes a factor (with the last one, the codes go)', async () => {
    const p = await person(server);
    const { factorId, recoveryCodes } = await enrolApp(p.api, p.password);
    const fresh = await p.api('POST', '/me/recovery-codes', { current_password: p.password });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recovery_codes).toHaveLength(10);
    expect(fresh.body.recovery_codes).not.toContain(recoveryCodes[0]);
    expect(await server.gatehouse.accounts.recoveryCodes.use(p.user.id, recoveryCodes[0])).toBe(false);
    const removed = await p.api('DELETE', `/me/factors/${factorId}`, { current_password: p.password });
    expect(removed.status).toBe(204);
    expect((await p.api('GET', '/me')).body.mfa).toEqual({ enabled: false, factors: [], recovery_codes_remaining: 0 });
    expect(await server.gatehouse.accounts.recoveryCodes.use(p.user.id, fresh.body.recovery_codes[0])).toBe(false);
    const events = (await server.gatehouse.audit.list(null, { limit: 100 })).items.filter((e) => e.target?.id === p.user.id);
    expect(events.map((e) => [e.action, e.metadata])).toEqual([
      ['account.factor_removed', { factor_id: factorId, type: 'totp' }], ['account.factor_added', { factor_id: factorId, type: 'totp' }],
    ]);
  });

  it('is described in the OpenAPI document, for a person\'s own token', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, Record<string, { description: string; security: unknown[] }>> };
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/v1/me')).sort()).toEqual([
      '/v1/me', '/v1/me/factors', '/v1/me/factors/passkeys', '/v1/me/factors/passkeys/options', '/v1/me/factors/totp',
      '/v1/me/factors/totp/{id}/confirm', '/v1/me/factors/{id}', '/v1/me/password', '/v1/me/recovery-codes',
    ]);
    expect(doc.paths['/v1/me/password'].post).toMatchObject({ description: 'Requires a person\'s own access token (the person it concerns).', security: [{ bearerToken: [] }] });
  });
});
