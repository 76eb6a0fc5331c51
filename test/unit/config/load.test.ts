import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { configDirectories, packageRoot } from '../../../src/config/sources.js';

const SECRET = randomBytes(32).toString('base64url');
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** A working directory with the repository's config files plus `extra` files. */
function projectDir(extra: Record<string, unknown> = {}): string {
  const dir = tempDir();
  cpSync(join(process.cwd(), 'config'), join(dir, 'config'), { recursive: true });
  for (const [name, content] of Object.entries(extra))
    writeFileSync(join(dir, 'config', name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('loadConfig', () => {
  it('reports a bad PORT in one line naming PORT, the value and the expected form', () => {
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test', PORT: 'abc', GATEHOUSE_SECRET: SECRET } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT \(port\): /);
    expect(problems[0]).toContain('"abc"');
    expect(problems[0]).toMatch(/integer port number between 0 and 65535/);
  });

  it('reports an out-of-range PORT', () => {
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test', PORT: '70000', GATEHOUSE_SECRET: SECRET } }));
    expect(problems).toEqual([expect.stringMatching(/^PORT \(port\): .*70000/)]);
  });

  it('reports every bad setting, one line each', () => {
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test', PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://x' } }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^PORT/m);
    expect(problems.join('\n')).toMatch(/^LOG_LEVEL \(logLevel\): .*"loud"/m);
    expect(problems.join('\n')).toMatch(/^DATABASE_URL \(databaseUrl\): must be sqlite:/m);
  });

  it('reads GATEHOUSE_SECRET_PREVIOUS as a comma- or newline-separated list, validated like the secret, never echoed', () => {
    const [a, b] = [randomBytes(32).toString('base64url'), randomBytes(40).toString('base64url')];
    const config = loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_SECRET: SECRET, GATEHOUSE_SECRET_PREVIOUS: ` ${a},\n${b}\n` } });
    expect(config.secretPrevious).toEqual([a, b]);
    expect(loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_SECRET: SECRET } }).secretPrevious).toEqual([]);
    const short = randomBytes(16).toString('base64url');
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_SECRET: SECRET, GATEHOUSE_SECRET_PREVIOUS: `${a},${short}` } }));
    expect(problems).toEqual([expect.stringMatching(/^GATEHOUSE_SECRET_PREVIOUS \(secretPrevious\.1\): must be base64url encoding at least 32 bytes/)]);
    expect(problems.join('\n')).not.toContain(short);
  });

  it('requires GATEHOUSE_SECRET in production', () => {
    const dataDir = tempDir();
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'production', GATEHOUSE_DATA_DIR: dataDir } }));
    expect(problems).toEqual([expect.stringMatching(/^GATEHOUSE_SECRET \(secret\): is required when NODE_ENV=production/)]);
    expect(existsSync(join(dataDir, 'secret'))).toBe(false);
  });

  it('refuses a short secret without printing it', () => {
    const short = randomBytes(16).toString('base64url');
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'production', GATEHOUSE_SECRET: short } }));
    expect(problems).toEqual([expect.stringMatching(/^GATEHOUSE_SECRET \(secret\): must be base64url encoding at least 32 bytes/)]);
    expect(problems[0]).not.toContain(short);
  });

  it('reads the mail settings from GATEHOUSE_SMTP_URL and GATEHOUSE_MAIL_FROM; without SMTP, mail goes to files', () => {
    const smtp = 'smtps://mailer:s3cret-pass@mail.example.com:465';
    const config = loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_SMTP_URL: smtp, GATEHOUSE_MAIL_FROM: 'Acme <no-reply@acme.test>' } });
    expect(config).toMatchObject({ smtpUrl: smtp, mailFrom: 'Acme <no-reply@acme.test>' });
    const fallback = loadConfig({ env: { NODE_ENV: 'test' } });
    expect(fallback.smtpUrl).toBeUndefined();
    expect(fallback.mailFrom).toBe('Gatehouse <no-reply@localhost>');
  });

  it('refuses a GATEHOUSE_SMTP_URL that is not smtp(s):// without repeating it (it holds a password)', () => {
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_SMTP_URL: 'http://mailer:s3cret-pass@mail.example.com' } }));
    expect(problems).toEqual([expect.stringMatching(/^GATEHOUSE_SMTP_URL \(smtpUrl\): must be an smtp:\/\/ or smtps:\/\/ URL/)]);
    expect(problems[0]).not.toContain('s3cret-pass');
    expect(problemsOf(() => loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_MAIL_FROM: 'nobody' } })))
      .toEqual([expect.stringMatching(/^GATEHOUSE_MAIL_FROM \(mailFrom\): must be an address/)]);
  });

  it('accepts production with a secret', () => {
    const config = loadConfig({ env: { NODE_ENV: 'production', GATEHOUSE_SECRET: SECRET, GATEHOUSE_ISSUER: 'https://auth.example.com' } });
    expect(config).toMatchObject({ nodeEnv: 'production', secret: SECRET, issuer: 'https://auth.example.com' });
  });

  it('layers default file < NODE_ENV file < environment < overrides', () => {
    const cwd = projectDir({ 'development.json': { port: 4000, logLevel: 'debug', trustProxy: 2 } });
    const env = { GATEHOUSE_SECRET: SECRET, GATEHOUSE_DATA_DIR: join(cwd, 'data'), PORT: '5000' };
    const config = loadConfig({ env, cwd, overrides: { trustProxy: 3 } });
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(5000); // env over the development file
    expect(config.logLevel).toBe('debug'); // development file over default
    expect(config.trustProxy).toBe(3); // overrides over all
    expect(config.bodyLimitBytes).toBe(65536); // default file
    expect(config.issuer).toBe('http://localhost:5000'); // derived from the port
  });

  it('merges nested objects from files instead of replacing them', () => {
    const cwd = projectDir({ 'development.json': { oauth: { accessTokenTtlSeconds: 600 } } });
    const config = loadConfig({ env: { GATEHOUSE_SECRET: SECRET, GATEHOUSE_DATA_DIR: join(cwd, 'data') }, cwd });
    expect(config.oauth.accessTokenTtlSeconds).toBe(600);
    expect(config.oauth.signingAlg).toBe('RS256');
  });

  it('names a config file that is not valid JSON', () => {
    const cwd = projectDir({ 'development.json': '{ not json' });
    const problems = problemsOf(() => loadConfig({ env: { GATEHOUSE_SECRET: SECRET }, cwd }));
    expect(problems).toEqual([expect.stringMatching(/development\.json: is not valid JSON/)]);
  });

  it('names nested settings by their dotted path', () => {
    const cwd = projectDir({ 'development.json': { oauth: { signingAlg: 'HS256' } } });
    const problems = problemsOf(() => loadConfig({ env: { GATEHOUSE_SECRET: SECRET, GATEHOUSE_DATA_DIR: join(cwd, 'data') }, cwd }));
    expect(problems).toEqual([expect.stringMatching(/^oauth\.signingAlg: .*"HS256"/)]);
  });

  it('generates a development secret once under the data directory, with a warning, and reuses it', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const warnings: string[] = [];
    const first = loadConfig({ env: { GATEHOUSE_DATA_DIR: dataDir }, warn: (m) => warnings.push(m) });
    const file = join(dataDir, 'secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    expect(Buffer.from(first.secret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining('generated a development secret')]);

    const second = loadConfig({ env: { GATEHOUSE_DATA_DIR: dataDir }, warn: (m) => warnings.push(m) });
    expect(second.secret).toBe(first.secret);
    expect(warnings).toHaveLength(1);
  });

  it('never writes a secret file in test mode', () => {
    const dataDir = tempDir();
    const a = loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_DATA_DIR: dataDir } });
    const b = loadConfig({ env: { NODE_ENV: 'test', GATEHOUSE_DATA_DIR: dataDir } });
    expect(a.secret).not.toBe(b.secret);
    expect(existsSync(join(dataDir, 'secret'))).toBe(false);
  });

  it('uses an explicit GATEHOUSE_SECRET in development without touching the data directory', () => {
    const dataDir = join(tempDir(), 'untouched');
    const config = loadConfig({ env: { GATEHOUSE_SECRET: SECRET, GATEHOUSE_DATA_DIR: dataDir } });
    expect(config.secret).toBe(SECRET);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses development interactions in production', () => {
    const cwd = projectDir({ 'production.json': { oauth: { devInteractions: true } } });
    mkdirSync(join(cwd, 'data'), { recursive: true });
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'production', GATEHOUSE_SECRET: SECRET }, cwd }));
    expect(problems).toEqual([expect.stringMatching(/^oauth\.devInteractions: must be false/)]);
  });

  it('loads the package\'s own config/default.json from any working directory', () => {
    const elsewhere = tempDir();
    const config = loadConfig({ env: { NODE_ENV: 'production', GATEHOUSE_SECRET: SECRET }, cwd: elsewhere });
    expect(config).toMatchObject({ port: 3000, bodyLimitBytes: 65536, defaultPlan: 'free', store: { timeoutMs: 5000 } });
    expect(config.dataDir).toBe(join(elsewhere, 'data'));
  });

  it('lets a config/ folder in the working directory override the package\'s, file by file and key by key', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'config'));
    writeFileSync(join(cwd, 'config', 'default.json'), JSON.stringify({ port: 4100, oauth: { accessTokenTtlSeconds: 900 } }));
    writeFileSync(join(cwd, 'config', 'production.json'), JSON.stringify({ logLevel: 'warn' }));
    const config = loadConfig({ env: { NODE_ENV: 'production', GATEHOUSE_SECRET: SECRET }, cwd });
    expect(config.port).toBe(4100);
    expect(config.logLevel).toBe('warn');
    expect(config.oauth).toMatchObject({ accessTokenTtlSeconds: 900, signingAlg: 'RS256' });
    expect(config.plans.free.maxActiveKeys).toBe(10);
  });

  it('reads the package\'s config/ first, then the working directory\'s when it is another folder', () => {
    const root = tempDir();
    mkdirSync(join(root, 'config'));
    const cwd = tempDir();
    expect(configDirectories(cwd, root)).toEqual([join(root, 'config')]);
    mkdirSync(join(cwd, 'config'));
    expect(configDirectories(cwd, root)).toEqual([join(root, 'config'), join(cwd, 'config')]);
    expect(configDirectories(root, root)).toEqual([join(root, 'config')]);
    expect(packageRoot()).toBe(process.cwd());
  });

  it('reads a plan\'s platformPermissions (absent: every platform permission) and names a malformed one', () => {
    const config = loadConfig({ env: { NODE_ENV: 'test' }, overrides: { plans: { free: { platformPermissions: ['pipelines:read', 'artifacts:*'] } } } });
    expect(config.plans.free.platformPermissions).toEqual(['pipelines:read', 'artifacts:*']);
    expect(config.plans.pro.platformPermissions).toBeUndefined();
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test' }, overrides: { plans: { free: { platformPermissions: ['Pipelines'] } } } }));
    expect(problems).toEqual([expect.stringMatching(/^plans\.free\.platformPermissions\.0: must be "resource:action" permissions/)]);
  });

  it('names a bad value in a working-directory config file like any other', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'config'));
    writeFileSync(join(cwd, 'config', 'default.json'), JSON.stringify({ store: { timeoutMs: 5 } }));
    const problems = problemsOf(() => loadConfig({ env: { NODE_ENV: 'test' }, cwd }));
    expect(problems).toEqual([expect.stringMatching(/^store\.timeoutMs: .*\(got 5\)$/)]);
  });
});
