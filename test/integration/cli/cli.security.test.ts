import { createTestCli, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(async () => {
  cli = createTestCli();
  await cli.run(['orgs', 'create', 'acme']);
});
afterAll(() => cli.cleanup());

const SECRET_PASSWORD = 'Sup3r-Secret-Passphrase-XYZ';

describe('password handling in the CLI', () => {
  it('refuses --password on the command line, creating nothing', async () => {
    const r = await cli.run(['users', 'create', '--org', 'acme', '--email', 'argv@example.com', '--password', SECRET_PASSWORD, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: refusing --password.*--password-stdin\n$/);
    expect(r.stderr).not.toContain(SECRET_PASSWORD);
    const again = await cli.run(['users', 'create', '--org', 'acme', '--email', 'argv@example.com', '--password-stdin', '--json'], { stdin: SECRET_PASSWORD });
    expect(again.code).toBe(0); // the refused attempt left no user behind
  });

  it('refuses --password even together with --password-stdin', async () => {
    const r = await cli.run(['users', 'create', '--org', 'acme', '--email', 'both@example.com', '--password-stdin', '--password', SECRET_PASSWORD], { stdin: SECRET_PASSWORD });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing --password/);
  });

  it('never prints the password nor its hash', async () => {
    const r = await cli.run(['users', 'create', '--org', 'acme', '--email', 'quiet@example.com', '--password-stdin', '--json'], { stdin: SECRET_PASSWORD });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(SECRET_PASSWORD);
    expect(r.stdout + r.stderr).not.toContain('argon2');
  });

  it('refuses --password whatever its value, in one line', async () => {
    const r = await cli.run(['users', 'create', '--org', 'acme', '--email', 'short@example.com', '--password', 'pw']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^error: refusing --password/)]);
  });
});
