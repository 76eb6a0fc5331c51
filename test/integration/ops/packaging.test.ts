import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config/load.js';

/** The Docker files cannot run here (no engine); these checks keep them in step with the code. */
const dockerfile = readFileSync('Dockerfile', 'utf8');
const compose = readFileSync('docker-compose.yml', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('Dockerfile', () => {
  it('builds on node 22 and runs as a non-root user in production mode', () => {
    expect(dockerfile.match(/^FROM node:22-bookworm-slim/gm)).toHaveLength(2);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/^EXPOSE 3000$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('starts the file `npm start` starts', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(`${cmd[0]} ${cmd[1]}`).toBe(pkg.scripts.start);
    expect(existsSync(cmd[1])).toBe(true); // dist is built before the suite
  });

  it('copies into the runtime image only paths that exist after a build', () => {
    const copied = [...dockerfile.matchAll(/^COPY --from=builder (.+) \.\/?\S*$/gm)].flatMap((m) => m[1].split(' '));
    expect(copied.length).toBeGreaterThan(3);
    for (const path of copied) expect(existsSync(path.replace(/^\/app\//, ''))).toBe(true);
    expect(copied).toEqual(expect.arrayContaining(['/app/config', '/app/dist', '/app/bin']));
  });

  it('rebuilds every dependency that has an install script, since npm ci runs with --ignore-scripts', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
    const needed = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript && !p.dev)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    const rebuilt = /npm rebuild ([^\n\\]+)/.exec(dockerfile)![1].trim().split(/\s+/);
    expect(rebuilt.sort()).toEqual(needed.sort());
  });
});

describe('docker-compose.yml', () => {
  const section = compose.slice(compose.search(/^ {2}gatehouse:$/m), compose.search(/^ {2}mongo:$/m));
  const env = Object.fromEntries([...section.matchAll(/^ {6}([A-Z_]+): (.+)$/gm)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));

  it('refuses to start without GATEHOUSE_SECRET, with a message', () => {
    expect(env.GATEHOUSE_SECRET).toMatch(/^\$\{GATEHOUSE_SECRET:\?.+\}$/);
  });

  it('gives the server a configuration that validates, once the secret is supplied', () => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1')]));
    resolved.GATEHOUSE_SECRET = randomBytes(48).toString('base64url');
    const config = loadConfig({ env: resolved });
    expect(config).toMatchObject({ nodeEnv: 'production', port: 3000, databaseUrl: 'mongodb://mongo:27017/gatehouse?replicaSet=rs0' });
  });

  it('waits for a healthy replica-set primary', () => {
    expect(section).toMatch(/condition: service_healthy/);
    expect(compose).toMatch(/command: \["--replSet", "rs0", "--bind_ip_all"\]/);
    expect(compose).toMatch(/rs\.initiate\(\{_id:'rs0',members:\[\{_id:0,host:'mongo:27017'\}\]\}\)/);
    expect(compose).toMatch(/image: mongo:7/);
  });
});
