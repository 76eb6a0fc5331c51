import { createTestCli, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(async () => {
  cli = createTestCli();
  await cli.run(['orgs', 'create', 'acme']);
});
afterAll(() => cli.cleanup());

describe('gatehouse keys: failures are one line on stderr and a non-zero exit', () => {
  it.each([
    ['no --org and no --server', ['keys', 'create', '--name', 'x', '--permissions', 'users:read'], /--org is required/],
    ['--org with --server', ['keys', 'create', '--server', '--org', 'acme', '--name', 'x', '--permissions', 'users:read'], /drop --org/],
    ['a bad --env', ['keys', 'create', '--org', 'acme', '--name', 'x', '--permissions', 'users:read', '--env', 'prod'], /live or test/],
    ['a bad --expires-in', ['keys', 'create', '--org', 'acme', '--name', 'x', '--permissions', 'users:read', '--expires-in', 'soon'], /--expires-in/],
    ['a bad --ip', ['keys', 'create', '--org', 'acme', '--name', 'x', '--permissions', 'users:read', '--ip', '10.0.0.0/99'], /ip_allowlist\[0\]/],
    ['an unknown permission', ['keys', 'create', '--org', 'acme', '--name', 'x', '--permissions', 'rockets:launch'], /rockets:launch/],
    ['an unknown organization', ['keys', 'create', '--org', 'nope', '--name', 'x', '--permissions', 'users:read'], /nope/],
    ['revoking an unknown key', ['keys', 'revoke', 'key_01aaaaaaaaaaaaaaaaaaaaaaaa'], /No such API key/],
  ])('%s', async (_l, argv, message) => {
    const r = await cli.run([...argv, '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
