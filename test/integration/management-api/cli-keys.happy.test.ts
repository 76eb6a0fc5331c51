import request from 'supertest';
import { loadConfig } from '../../../src/config/load.js';
import { createGatehouse } from '../../../src/gatehouse.js';
import { createTestCli, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(async () => {
  cli = createTestCli();
  expect((await cli.run(['orgs', 'create', 'acme', '--json'])).code).toBe(0);
});
afterAll(() => cli.cleanup());

describe('gatehouse keys', () => {
  it('creates an organization key and prints it once, as one JSON object', async () => {
    const r = await cli.run(['keys', 'create', '--org', 'acme', '--name', 'ci', '--permissions', 'users:read,api_keys:read',
      '--env', 'test', '--expires-in', '90d', '--ip', '10.0.0.0/8', '--ip', '2001:db8::/32', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({
      id: expect.stringMatching(/^key_/), key: expect.stringMatching(/^ak_test_/), name: 'ci', environment: 'test',
      permissions: ['users:read', 'api_keys:read'], ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'], created_by: 'cli', status: 'active',
    });
    expect(out.digest).toBeUndefined();
    expect(Date.parse(out.expires_at) - Date.parse(out.created_at)).toBe(90 * 86_400_000);
  });

  it('bootstraps the HTTP API with a --server key, then revokes it', async () => {
    const created = (await cli.run(['keys', 'create', '--server', '--name', 'bootstrap',
      '--permissions', 'organizations:read,organizations:write', '--json'])).json();
    expect(created.organization).toBeNull();

    const gh = await createGatehouse(loadConfig({ env: cli.env }));
    try {
      const api = request(gh.app.callback());
      await api.post('/v1/organizations').set('Authorization', `Bearer ${created.key}`).send({ slug: 'from-http' }).expect(201);
      const revoked = await cli.run(['keys', 'revoke', created.id, '--json']);
      expect(revoked.code).toBe(0);
      expect(revoked.json()).toEqual({ id: created.id, status: 'revoked' });
      // the CLI is another process: this server honours the revocation within its cache staleness bound
      await new Promise((r) => setTimeout(r, gh.config.apiKeys.cacheStalenessMs + 300));
      await api.get('/v1/organizations').set('Authorization', `Bearer ${created.key}`).expect(401);
    } finally {
      await gh.close();
    }
  });

  it('prints the key with a warning without --json', async () => {
    const r = await cli.run(['keys', 'create', '--org', 'acme', '--name', 'human', '--permissions', 'users:read']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created API key key_\w+ \(human\)\nak_live_\w+\nstore it now/);
  });
});
