import { createTestCli, type TestCli } from '../../support/cli.js';

let cli: TestCli;
beforeAll(() => { cli = createTestCli(); });
afterAll(() => cli.cleanup());

describe('gatehouse orgs create', () => {
  it('prints exactly one JSON object {id, slug, name, plan} with --json', async () => {
    const r = await cli.run(['orgs', 'create', 'acme', '--name', 'Acme Inc', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const org = r.json();
    expect(Object.keys(org).sort()).toEqual(['id', 'name', 'plan', 'slug']);
    expect(org).toMatchObject({ slug: 'acme', name: 'Acme Inc', plan: 'free' });
    expect(org.id).toMatch(/^org_/);
  });

  it('accepts --json before the command and a --plan', async () => {
    const r = await cli.run(['--json', 'orgs', 'create', 'globex', '--plan', 'pro']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ slug: 'globex', name: 'globex', plan: 'pro' });
  });

  it('prints a short human sentence without --json', async () => {
    const r = await cli.run(['orgs', 'create', 'initech']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created organization initech \(org_[0-9a-z]+\) on plan free\n$/);
  });

  it('lists organizations newest first', async () => {
    const r = await cli.run(['orgs', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().data.map((o: { slug: string }) => o.slug)).toEqual(['initech', 'globex', 'acme']);
    expect(r.json().next_cursor).toBeNull();
  });
});

describe('gatehouse users create', () => {
  it('creates a member from a password on stdin and prints {id, email, org, roles}', async () => {
    const r = await cli.run(['users', 'create', '--org', 'acme', '--email', 'Ada@Example.com', '--password-stdin', '--json'], { stdin: 'correct horse battery staple\n' });
    expect(r.code).toBe(0);
    const user = r.json();
    expect(Object.keys(user).sort()).toEqual(['email', 'id', 'org', 'roles']);
    expect(user).toMatchObject({ email: 'ada@example.com', org: 'acme', roles: ['member'] });
    expect(user.id).toMatch(/^usr_/);
  });

  it('drops exactly one trailing newline, so the piped password signs in', async () => {
    await cli.run(['users', 'create', '--org', 'acme', '--email', 'grace@example.com', '--password-stdin', '--role', 'admin', '--role', 'member'], { stdin: 'with trailing space \n' });
    const { createGatehouse } = await import('../../../src/gatehouse.js');
    const { loadConfig } = await import('../../../src/config/load.js');
    const gh = await createGatehouse(loadConfig({ env: cli.env }));
    try {
      expect(await gh.identity.users.verifyPassword('grace@example.com', 'with trailing space ')).not.toBeNull();
      expect(await gh.identity.users.verifyPassword('grace@example.com', 'with trailing space')).toBeNull();
      const user = (await gh.identity.users.getByEmail('grace@example.com'))!;
      const org = (await gh.identity.organizations.resolve('acme'))!;
      expect((await gh.store.memberships.find(org.id, user.id))!.roles).toEqual(['admin', 'member']);
    } finally {
      await gh.close();
    }
  });

  it('prints a short human sentence without --json', async () => {
    const r = await cli.run(['users', 'create', '--org', 'globex', '--email', 'bob@example.com', '--password-stdin'], { stdin: 'a long enough password' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created user bob@example\.com \(usr_[0-9a-z]+\) in globex with role\(s\) member\n$/);
  });
});

describe('gatehouse resources create', () => {
  it('registers a resource and prints {id, identifier, permissions}', async () => {
    const r = await cli.run(['resources', 'create', '--org', 'acme', '--identifier', 'https://api.acme.test', '--permissions', 'invoices:read, invoices:write', '--json']);
    expect(r.code).toBe(0);
    const resource = r.json();
    expect(Object.keys(resource).sort()).toEqual(['id', 'identifier', 'permissions']);
    expect(resource).toMatchObject({ identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
  });

  it('prints a short human sentence without --json', async () => {
    const r = await cli.run(['resources', 'create', '--org', 'globex', '--identifier', 'urn:globex:plans', '--permissions', 'plans:read']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created resource urn:globex:plans \(res_[0-9a-z]+\) with permissions plans:read\n$/);
  });
});

describe('gatehouse resources create without --org (a platform resource)', () => {
  it('registers the operator\'s API, in every organization\'s vocabulary, and prints {id, identifier, permissions}', async () => {
    const r = await cli.run(['resources', 'create', '--identifier', 'https://api.platform.test', '--name', 'Pipelines', '--permissions', 'pipelines:read,pipelines:run', '--json']);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json()).sort()).toEqual(['id', 'identifier', 'permissions']);
    expect(r.json()).toMatchObject({ identifier: 'https://api.platform.test', permissions: ['pipelines:read', 'pipelines:run'] });
    // every organization's keys may now hold its permissions
    const key = await cli.run(['keys', 'create', '--org', 'globex', '--name', 'runner', '--permissions', 'pipelines:run', '--json']);
    expect([key.code, key.json().permissions]).toEqual([0, ['pipelines:run']]);
  });
});

describe('gatehouse orgs update', () => {
  it('renames an organization and changes its plan, printing {id, slug, name, plan}', async () => {
    const r = await cli.run(['orgs', 'update', 'acme', '--name', 'Acme Rockets', '--plan', 'pro', '--json']);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json()).sort()).toEqual(['id', 'name', 'plan', 'slug']);
    expect(r.json()).toMatchObject({ slug: 'acme', name: 'Acme Rockets', plan: 'pro' });
    const human = await cli.run(['orgs', 'update', 'acme', '--plan', 'free']);
    expect(human.stdout).toMatch(/^updated organization acme \(org_[0-9a-z]+\): Acme Rockets, plan free\n$/);
  });
});

describe('help', () => {
  it('prints usage on stdout and exits 0 for --help', async () => {
    const r = await cli.run(['orgs', 'create', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: gatehouse orgs create');
    expect(r.stdout).toContain('--json');
  });
});
