import { createTestCli, type CliResult, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(async () => {
  cli = createTestCli();
  expect((await cli.run(['orgs', 'create', 'acme'])).code).toBe(0);
});
afterAll(() => cli.cleanup());

/** A failure: non-zero exit, nothing on stdout, exactly one `error: …` line on stderr. */
function expectOneLineFailure(r: CliResult, pattern: RegExp, code = 1): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('orgs create failures', () => {
  it('refuses a duplicate slug', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'acme', '--json']), /slug "acme" already exists/);
  });
  it('refuses an unknown plan, naming the configured plans', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'planned', '--plan', 'gold', '--json']), /plan: "gold" is not a configured plan; must be one of: free, pro/);
  });
  it('refuses a malformed slug', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'No Way']), /slug: must be 3 to 40/);
  });
  it('is a usage error (exit 2) without the slug', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create']), /missing required argument 'slug'/, 2);
  });
});

describe('users create failures', () => {
  const base = ['users', 'create', '--org', 'acme', '--password-stdin', '--json'];
  it('refuses an unknown organization', async () => {
    expectOneLineFailure(await cli.run(['users', 'create', '--org', 'nope', '--email', 'a@example.com', '--password-stdin'], { stdin: 'long enough password' }), /no organization "nope"/);
  });
  it('refuses a bad email', async () => {
    expectOneLineFailure(await cli.run([...base, '--email', 'not-an-email'], { stdin: 'long enough password' }), /email: must be an email address/);
  });
  it('refuses a short password', async () => {
    expectOneLineFailure(await cli.run([...base, '--email', 'short@example.com'], { stdin: 'short\n' }), /password: must be at least 8 characters/);
  });
  it('refuses an empty stdin as a short password', async () => {
    expectOneLineFailure(await cli.run([...base, '--email', 'empty@example.com']), /password: must be at least 8/);
  });
  it('refuses an unknown role', async () => {
    expectOneLineFailure(await cli.run([...base, '--email', 'role@example.com', '--role', 'wizard'], { stdin: 'long enough password' }), /"wizard" is neither a built-in role/);
  });
  it('refuses a duplicate email', async () => {
    expect((await cli.run([...base, '--email', 'dupe@example.com'], { stdin: 'long enough password' })).code).toBe(0);
    expectOneLineFailure(await cli.run([...base, '--email', 'DUPE@example.com'], { stdin: 'long enough password' }), /already exists/);
  });
  it('is a usage error without --password-stdin', async () => {
    expectOneLineFailure(await cli.run(['users', 'create', '--org', 'acme', '--email', 'x@example.com'], { stdin: 'long enough password' }), /--password-stdin is required/, 2);
  });
  it('is a usage error without --email', async () => {
    expectOneLineFailure(await cli.run(['users', 'create', '--org', 'acme', '--password-stdin']), /required option '--email <email>' not specified/, 2);
  });
});

describe('resources create failures', () => {
  it('refuses a relative identifier', async () => {
    expectOneLineFailure(await cli.run(['resources', 'create', '--org', 'acme', '--identifier', 'api.acme.test', '--permissions', 'a:read']), /identifier: must be an absolute URI/);
  });
  it('refuses malformed permissions', async () => {
    expectOneLineFailure(await cli.run(['resources', 'create', '--org', 'acme', '--identifier', 'https://x.test', '--permissions', 'READ']), /"READ" is not a "resource:action" permission/);
  });
  it('refuses the management API identifier', async () => {
    expectOneLineFailure(await cli.run(['resources', 'create', '--org', 'acme', '--identifier', 'http://localhost:3000/v1', '--permissions', 'a:read']), /reserved for the management API/);
  });
  it('refuses an unknown organization', async () => {
    expectOneLineFailure(await cli.run(['resources', 'create', '--org', 'nope', '--identifier', 'https://x.test', '--permissions', 'a:read']), /no organization "nope"/);
  });
});

describe('platform resources and orgs update failures', () => {
  it('refuses an organization API taking a platform API\'s noun, naming the platform API', async () => {
    expect((await cli.run(['resources', 'create', '--identifier', 'https://ci.platform.test', '--permissions', 'jobs:run'])).code).toBe(0);
    expectOneLineFailure(await cli.run(['resources', 'create', '--org', 'acme', '--identifier', 'https://jobs.acme.test', '--permissions', 'jobs:read']),
      /"jobs" belongs to the platform API https:\/\/ci\.platform\.test/);
  });
  it('refuses an unknown plan, naming it, and an unknown organization', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'update', 'acme', '--plan', 'gold']), /plan: "gold" is not a configured plan; must be one of: free, pro/);
    expectOneLineFailure(await cli.run(['orgs', 'update', 'nope', '--name', 'x']), /No such organization/);
  });
  it('is a usage error (exit 2) with nothing to change', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'update', 'acme']), /nothing to change: give --name, --plan, --max-key-lifetime and\/or --key-rotation-reminder-days/, 2);
  });
});

describe('commander and configuration failures', () => {
  it('reports an unknown command on one line with exit 2', async () => {
    expectOneLineFailure(await cli.run(['frobnicate']), /unknown command 'frobnicate'/, 2);
  });
  it('reports an unknown option on one line with exit 2', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'x-co', '--colour', 'red']), /unknown option '--colour'/, 2);
  });
  it('reports a bad configuration on one line, naming the setting', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'cfg-co'], { env: { LOG_LEVEL: 'loud' } }), /LOG_LEVEL/);
  });
  it('reports an unusable DATABASE_URL on one line', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'db-co'], { env: { DATABASE_URL: 'postgres://nope' } }), /DATABASE_URL/);
  });
  it('refuses to run in production without GATEHOUSE_SECRET', async () => {
    expectOneLineFailure(await cli.run(['orgs', 'create', 'prod-co'], { env: { NODE_ENV: 'production', GATEHOUSE_SECRET: '' } }), /GATEHOUSE_SECRET/);
  });
});
