import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { GATEHOUSE_BIN, runProcess } from '../support/bin.js';
import { startTestServer, type RunningGatehouse } from '../support/harness.js';
import { authorize, clientConfig, FormAgent } from '../support/oauth.js';

/*
 * The README's quickstart, run as written: its shell block goes to bash, with `npx gatehouse` the
 * built CLI, `curl` failing on any HTTP error, and `http://localhost:3000` the address of a server
 * this test starts in place of the block's first line (`npm start`). Then the app the block
 * registered signs the customer's admin in, as the text after the block says.
 */

const README = join(process.cwd(), 'README.md');
const REDIRECT = 'http://localhost:8080/callback';

/** The first ```sh block after the quickstart heading, without the line that starts the server. */
function quickstartScript(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Quickstart'));
  const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('no shell block in the README quickstart');
  return block.split('\n').filter((line) => !line.startsWith('npm ')).join('\n');
}

let dir: string;
let server: RunningGatehouse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-quickstart-'));
  server = await startTestServer({ databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}`, dataDir: dir });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README quickstart', () => {
  let outputs: Array<Record<string, any>>;

  it('runs as written: every command succeeds', async () => {
    const preamble = [
      'set -euo pipefail',
      `npx() { if [ "$1" = gatehouse ]; then shift; fi; node "${GATEHOUSE_BIN}" "$@"; }`,
      // one JSON document per line, and an HTTP error fails the script
      'curl() { command curl --fail-with-body "$@"; echo; }',
    ].join('\n');
    const script = quickstartScript().replaceAll('http://localhost:3000', server.url);
    const run = await runProcess('bash', ['-c', `${preamble}\n${script}`], { stdin: null, env: {
      NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`,
      GATEHOUSE_SECRET: server.gatehouse.config.secret, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_ISSUER: server.url,
    } });
    // (Node 20 makes oidc-provider warn about the runtime; CI's Node 22 does not)
    const stderr = run.stderr.split('\n').filter((line) => line && !line.startsWith('oidc-provider WARNING: Unsupported runtime'));
    expect({ code: run.code, stderr }).toEqual({ code: 0, stderr: [] });
    outputs = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(outputs.length).toBeGreaterThanOrEqual(6);
  });

  it('left a platform API, a customer with an admin and a key for the API, and a multi-organization app', async () => {
    const gh = server.gatehouse;
    expect(outputs[0]).toMatchObject({ identifier: 'https://api.example.com', permissions: ['pipelines:read', 'pipelines:run'] });
    const acme = (await gh.identity.organizations.resolve('acme'))!;
    const issued = outputs.find((o) => typeof o.key === 'string' && o.key.startsWith('ak_live_'))!;
    const checked = await gh.resourceServer.checkApiKey(issued.key);
    expect(checked.ok && [checked.record.organizationId, checked.record.permissions]).toEqual([acme.id, ['pipelines:run']]);
    const app = outputs.find((o) => o.client_id)!;
    expect(app).toMatchObject({ multi_organization: true, client_secret: expect.any(String) });
  });

  it('signs acme\'s admin in through the app: the token is for the API, acting for acme, with its permissions', async () => {
    const app = outputs.find((o) => o.client_id)!;
    const config = await clientConfig(server.url, app.client_id, app.client_secret);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT, scope: 'openid pipelines:read pipelines:run', resource: 'https://api.example.com', state: 's',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const { callback } = await authorize(new FormAgent(), server.url, url, { email: 'admin@acme.test', password: 'correct horse battery staple' }, { redirectUri: REDIRECT });
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's' });
    const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.url, audience: 'https://api.example.com' });
    const acme = (await server.gatehouse.identity.organizations.resolve('acme'))!;
    expect(payload.org).toBe(acme.id);
    expect(String(payload.scope).split(' ').sort()).toEqual(['openid', 'pipelines:read', 'pipelines:run']);
  });
});
