import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { enrolApp } from '../../support/accounts.js';
import { person } from './me-fixture.js';

let server: RunningGatehouse;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('/v1/me refuses bad requests with a problem naming what is wrong', () => {
  it('400 for unknown fields, a missing current password, and a new password outside the policy', async () => {
    const p = await person(server);
    const unknown = await p.api('POST', '/me/password', { current_password: p.password, new_password: 'long enough passphrase', email: 'x@y.z' });
    expect(unknown.body).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ field: 'email', message: 'is not a field of this request' }] });
    expect((await p.api('POST', '/me/factors/totp', {})).body.errors).toEqual([expect.objectContaining({ field: 'current_password' })]);
    const short = await p.api('POST', '/me/password', { current_password: p.password, new_password: 'short' });
    expect(short.body).toMatchObject({ status: 400, errors: [{ field: 'new_password', message: 'must be at least 8 characters' }] });
  });

  it('400 invalid_code for a wrong first code; 404 for a factor that is not there; 409 no_factor for recovery codes without a factor', async () => {
    const p = await person(server);
    const started = await p.api('POST', '/me/factors/totp', { current_password: p.password });
    expect((await p.api('POST', `/me/factors/totp/${started.body.factor.id}/confirm`, { code: '123456' })).body).toMatchObject({ status: 400, code: 'invalid_code' });
    expect((await p.api('POST', '/me/factors/totp/mfa_nothing/confirm', { code: '123456' })).body).toMatchObject({ status: 400, code: 'invalid_code' });
    expect((await p.api('DELETE', '/me/factors/mfa_nothing', { current_password: p.password })).body).toMatchObject({ status: 404, code: 'not_found' });
    expect((await p.api('POST', '/me/recovery-codes', { current_password: p.password })).body).toMatchObject({ status: 409, code: 'no_factor' });
  });

  it('400 invalid_passkey for an answer that is not a WebAuthn credential, or one without a challenge of ours', async () => {
    const p = await person(server);
    for (const response of [{}, { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: 'eyJ9', attestationObject: 'AA' } }]) {
      expect((await p.api('POST', '/me/factors/passkeys', { response })).body).toMatchObject({ status: 400, code: 'invalid_passkey' });
    }
  });

  it('a confirmed enrolment cannot be confirmed again', async () => {
    const p = await person(server);
    const { factorId, secret } = await enrolApp(p.api, p.password);
    const { totpCode } = await import('../../support/accounts.js');
    expect((await p.api('POST', `/me/factors/totp/${factorId}/confirm`, { code: await totpCode(secret, 1) })).body.code).toBe('invalid_code');
  });
});
