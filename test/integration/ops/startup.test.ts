import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, meaningfulLines, startServerProcess, STACK_FRAME } from './server-process.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-startup-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start-up configuration errors', () => {
  it('stops on PORT=abc with one "config error:" line naming PORT and no stack trace', async () => {
    const server = startServerProcess({ NODE_ENV: 'test', PORT: 'abc', DATABASE_URL: 'sqlite::memory:' });
    const code = await server.exited;
    expect(code).not.toBe(0);
    const lines = meaningfulLines(server.stderr());
    expect(lines).toEqual([expect.stringMatching(/^config error: PORT \(port\): .*"abc"/)]);
    expect(server.stderr()).not.toMatch(STACK_FRAME);
    expect(server.stdout()).toBe('');
  }, 20_000);

  it('refuses NODE_ENV=production without GATEHOUSE_SECRET', async () => {
    const server = startServerProcess({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(dir, 'prod.db')}`, GATEHOUSE_DATA_DIR: join(dir, 'prod-data') });
    expect(await server.exited).not.toBe(0);
    expect(meaningfulLines(server.stderr())).toEqual([expect.stringMatching(/^config error: GATEHOUSE_SECRET \(secret\): is required when NODE_ENV=production/)]);
    expect(server.stderr()).not.toMatch(STACK_FRAME);
    expect(existsSync(join(dir, 'prod-data', 'secret'))).toBe(false);
  }, 20_000);
});

describe('the development secret', () => {
  it('is generated once under the data directory on first start and reused on the next', async () => {
    const dataDir = join(dir, 'dev-data');
    const env = { NODE_ENV: 'development', DATABASE_URL: `sqlite:${join(dir, 'dev.db')}`, GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'info' };

    const first = startServerProcess({ ...env, PORT: String(await freePort()) });
    await first.waitFor(/gatehouse listening/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const secret = readFileSync(join(dataDir, 'secret'), 'utf8').trim();
    expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(first.stderr()).toMatch(/warning: GATEHOUSE_SECRET is not set: generated a development secret/);
    expect(first.stdout() + first.stderr()).not.toContain(secret);

    const second = startServerProcess({ ...env, PORT: String(await freePort()) });
    await second.waitFor(/gatehouse listening/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(readFileSync(join(dataDir, 'secret'), 'utf8').trim()).toBe(secret);
    expect(second.stderr()).not.toMatch(/generated a development secret/);
  }, 30_000);
});
