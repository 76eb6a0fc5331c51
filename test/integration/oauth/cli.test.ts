import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { createTestCli, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(async () => {
  cli = createTestCli();
  expect((await cli.run(['orgs', 'create', 'acme', '--json'])).code).toBe(0);
});
afterAll(() => cli.cleanup());

describe('gatehouse clients create', () => {
  it('registers a confidential client and prints its secret once, as one JSON object', async () => {
    const r = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'Web App', '--redirect-uri', 'https://app.example.com/cb',
      '--redirect-uri', 'http://localhost:3000/cb', '--grant', 'authorization_code', '--grant', 'refresh_token', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = r.json();
    expect(out).toMatchObject({
      client_id: expect.stringMatching(/^client_/), name: 'Web App', public: false, token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['https://app.example.com/cb', 'http://localhost:3000/cb'], grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(out.client_secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(out).not.toHaveProperty('sealed_secret');
  });

  it('registers a public client without a secret', async () => {
    const r = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'SPA', '--redirect-uri', 'https://spa.example.com/cb', '--public', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ public: true, token_endpoint_auth_method: 'none' });
    expect(r.json()).not.toHaveProperty('client_secret');
  });

  it('fails with one line naming the problem for a bad redirect URI or a public client_credentials client', async () => {
    const bad = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'X', '--redirect-uri', 'http://evil.example.com/cb', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/redirect_uris\[0\]: must use https/);
    const pub = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'X', '--public', '--grant', 'client_credentials', '--json']);
    expect(pub.code).toBe(1);
    expect(pub.stderr).toMatch(/public client cannot use client_credentials/);
  });

  it('fails for an unknown organization', async () => {
    const r = await cli.run(['clients', 'create', '--org', 'nope-org', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no organization "nope-org"/);
  });
});

describe('gatehouse clients: other organizations, keys, rotation', () => {
  it('registers a multi-organization client with --multi-org', async () => {
    const r = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'Everywhere', '--redirect-uri', 'https://e.example.com/cb', '--multi-org', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ multi_organization: true });
  });

  it('registers a private_key_jwt client from a JWK Set file, or a jwks_uri, with no secret', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const file = join(cli.dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'cli-key' }] }));
    const r = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'Signed', '--grant', 'client_credentials',
      '--auth-method', 'private_key_jwt', '--jwks-file', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kid: 'cli-key' }] } });
    expect(r.json()).not.toHaveProperty('client_secret');
    const byUri = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'Signed2', '--grant', 'client_credentials',
      '--auth-method', 'private_key_jwt', '--jwks-uri', 'https://keys.example.com/jwks.json', '--json']);
    expect(byUri.json()).toMatchObject({ jwks: null, jwks_uri: 'https://keys.example.com/jwks.json' });
  });

  it('fails with a usage error for an unreadable JWK Set file or an unknown auth method', async () => {
    const missing = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'S', '--grant', 'client_credentials',
      '--auth-method', 'private_key_jwt', '--jwks-file', join(cli.dir, 'nope.json'), '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--jwks-file: cannot read a JSON JWK Set/);
    const method = await cli.run(['clients', 'create', '--org', 'acme', '--name', 'S', '--auth-method', 'client_secret_jwt', '--json']);
    expect(method.code).toBe(2);
    expect(method.stderr).toMatch(/--auth-method must be one of/);
  });

  it('rotates a secret with a grace period, printing the new secret once', async () => {
    const created = (await cli.run(['clients', 'create', '--org', 'acme', '--name', 'W', '--grant', 'client_credentials', '--json'])).json();
    const r = await cli.run(['clients', 'rotate-secret', created.client_id, '--org', 'acme', '--grace-period', '24h', '--json']);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.client_secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(out.client_secret).not.toBe(created.client_secret);
    expect(Date.parse(out.previous_secret_expires_at)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const tooLong = await cli.run(['clients', 'rotate-secret', created.client_id, '--org', 'acme', '--grace-period', '90d', '--json']);
    expect(tooLong.code).toBe(2);
  });
});

describe('gatehouse signing-keys rotate', () => {
  it('makes a new key active and keeps the old one in the JWKS', async () => {
    const before = (await cli.run(['signing-keys', 'list', '--json'])).json();
    expect(before.data).toHaveLength(1);
    const r = await cli.run(['signing-keys', 'rotate', '--alg', 'ES256', '--json']);
    expect(r.code).toBe(0);
    const rotated = r.json();
    expect(Object.keys(rotated).sort()).toEqual(['alg', 'kid']);
    expect(rotated.alg).toBe('ES256');
    const after = (await cli.run(['signing-keys', 'list', '--json'])).json();
    expect(after.data[0]).toEqual({ kid: rotated.kid, alg: 'ES256', active: true });
    expect(after.data.map((k: { kid: string }) => k.kid)).toContain(before.data[0].kid);
  });

  it('keeps the current algorithm when none is named, and refuses an unknown one with a usage error', async () => {
    const r = await cli.run(['signing-keys', 'rotate', '--json']);
    expect(r.json().alg).toBe('ES256');
    const bad = await cli.run(['signing-keys', 'rotate', '--alg', 'HS256', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--alg must be one of RS256, ES256, EdDSA/);
  });
});

describe('gatehouse clients: requiring pushed authorization requests and DPoP', () => {
  it.each([
    ['--require-par', 'require_pushed_authorization_requests'],
    ['--require-dpop', 'dpop_bound_access_tokens'],
  ])('create %s sets %s; update --no-… / --… change it, the human line says so', async (flag, field) => {
    const negated = flag.replace('--', '--no-');
    const create = (name: string, ...extra: string[]) => cli.run(['clients', 'create', '--org', 'acme', '--name', name,
      '--redirect-uri', `https://${name.toLowerCase()}.example.com/cb`, ...extra, '--json']);
    const created = await create(`Strict${field.length}`, flag);
    expect([created.code, created.json()[field]]).toEqual([0, true]);
    const id = created.json().client_id;
    const lifted = await cli.run(['clients', 'update', id, negated, '--json']);
    expect([lifted.code, lifted.json()[field]]).toEqual([0, false]);
    const back = await cli.run(['clients', 'update', id, flag, '--name', 'Stricter', '--json']);
    expect(back.json()).toMatchObject({ name: 'Stricter', [field]: true });
    expect((await cli.run(['clients', 'update', id, negated])).stdout).toContain(`${field}: false`);
    expect((await create(`Lax${field.length}`)).json()[field]).toBe(false);
  });

  it('update refuses to run with nothing to change, and names an unknown client', async () => {
    expect((await cli.run(['clients', 'update', 'client_x'])).code).toBe(2);
    const missing = await cli.run(['clients', 'update', 'client_01aaaaaaaaaaaaaaaaaaaaaaaa', '--require-par']);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'error: No such client.']);
  });
});
