import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Runs the real executable (`dist/` is built by `npm test` before jest runs). */
function gatehouse(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/gatehouse.js', ...args], { cwd: process.cwd(), env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-bin-'));
  env = { NODE_ENV: 'test', DATABASE_URL: `sqlite:${join(dir, 'gh.db')}`, GATEHOUSE_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'silent' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gatehouse executable', () => {
  it('is built', () => {
    expect(existsSync('dist/src/cli/main.js')).toBe(true);
  });

  it('creates an organization in the SQLite file and prints one JSON object', async () => {
    const r = await gatehouse(['orgs', 'create', 'acme', '--name', 'Acme', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ slug: 'acme', name: 'Acme', plan: 'free', id: expect.stringMatching(/^org_/) });
    expect(existsSync(join(dir, 'gh.db'))).toBe(true);

    const again = await gatehouse(['orgs', 'create', 'acme', '--json'], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^error: An organization with slug "acme" already exists\.$/m);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  }, 20_000);
});
