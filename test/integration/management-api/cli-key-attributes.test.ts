import { createTestCli, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(async () => {
  cli = createTestCli();
  expect((await cli.run(['orgs', 'create', 'acme', '--json'])).code).toBe(0);
});
afterAll(() => cli.cleanup());

const DAY_MS = 86_400_000;

describe('gatehouse keys: metadata, disable and enable', () => {
  it('creates a key with --metadata, disables and enables it again', async () => {
    const created = await cli.run(['keys', 'create', '--org', 'acme', '--name', 'tagged', '--permissions', 'users:read', '--metadata', '{"customer":"c_1","tier":2}', '--json']);
    expect(created.code).toBe(0);
    expect(created.json().metadata).toEqual({ customer: 'c_1', tier: 2 });
    const id = created.json().id;
    expect((await cli.run(['keys', 'disable', id, '--json'])).json()).toEqual({ id, status: 'disabled', enabled: false });
    expect((await cli.run(['keys', 'enable', id])).stdout).toContain(`API key ${id} is active`);
  });

  it('refuses bad metadata with one line (a usage error for non-JSON, the bounds for the rest) and never re-enables a revoked key', async () => {
    const notJson = await cli.run(['keys', 'create', '--org', 'acme', '--name', 'x', '--permissions', 'users:read', '--metadata', '{oops']);
    expect([notJson.code, notJson.stderr.trim().split('\n')]).toEqual([2, [expect.stringContaining('--metadata must be a JSON object')]]);
    const nested = await cli.run(['keys', 'create', '--org', 'acme', '--name', 'x', '--permissions', 'users:read', '--metadata', '{"a":{"b":1}}']);
    expect(nested.code).not.toBe(0);
    expect(nested.stderr).toContain('metadata');
    const id = (await cli.run(['keys', 'create', '--org', 'acme', '--name', 'gone', '--permissions', 'users:read', '--json'])).json().id;
    await cli.run(['keys', 'revoke', id]);
    const back = await cli.run(['keys', 'enable', id]);
    expect(back.code).not.toBe(0);
    expect(back.stderr).toMatch(/revoked/);
  });
});

describe('gatehouse orgs update: the key policy', () => {
  it('sets --max-key-lifetime and --key-rotation-reminder-days, which new keys then follow', async () => {
    const r = await cli.run(['orgs', 'update', 'acme', '--max-key-lifetime', '30d', '--key-rotation-reminder-days', '45', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ slug: 'acme', max_key_lifetime: '30d', key_rotation_reminder_days: 45 });
    const key = (await cli.run(['keys', 'create', '--org', 'acme', '--name', 'bounded', '--permissions', 'users:read', '--json'])).json();
    expect((Date.parse(key.expires_at) - Date.parse(key.created_at)) / DAY_MS).toBe(30);
    const off = await cli.run(['orgs', 'update', 'acme', '--max-key-lifetime', 'none', '--key-rotation-reminder-days', 'off', '--json']);
    expect(off.json()).toMatchObject({ max_key_lifetime: null, key_rotation_reminder_days: null });
  });

  it('refuses a bad lifetime or reminder as a usage error (exit 2)', async () => {
    for (const args of [['--max-key-lifetime', 'forever'], ['--max-key-lifetime', '3651d'], ['--key-rotation-reminder-days', '9999'], ['--key-rotation-reminder-days', 'soon']]) {
      const r = await cli.run(['orgs', 'update', 'acme', ...args]);
      expect(r.code).toBe(2);
    }
  });
});
