import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, REDIRECT_URI } from '../../support/oauth.js';

const FIXTURE = join(process.cwd(), 'test/fixtures/sqlite-main-50e5b2e/gatehouse.db');
const FIXTURE_SECRET = 'fixture-secret-fixture-secret-fixture-secret-0123456789';
const ACME = 'org_01m8qdh6w1jyfjkzpcj13fx9dx';

/*
 * Accounts on a database from before them (see upgrade-from-main.test.ts for the fixture): the
 * people it holds were made by the operator (or, later, by accepting a mailed invitation), so
 * they migrate verified and keep signing in; no organization starts requiring a second factor.
 */
describe('people from before email verification', () => {
  let dir: string;
  let server: RunningGatehouse;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-upgrade-accounts-'));
    copyFileSync(FIXTURE, join(dir, 'gatehouse.db'));
    server = await startTestServer({ databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}`, secret: FIXTURE_SECRET });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are verified, their organizations require no second factor, and they sign in with their password as before', async () => {
    const gh = server.gatehouse;
    const ada = (await gh.store.users.findByEmail('ada@example.com'))!;
    expect(ada.emailVerified).toBe(true);
    expect(await gh.store.organizations.findById(ACME)).toMatchObject({ mfaRequired: false });
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, ACME, { name: 'After upgrade', redirect_uris: [REDIRECT_URI] });
    const config = await clientConfig(server.url, client.clientId, client_secret);
    const { tokens, pages } = await loginAndExchange(config, new FormAgent(), server.url, { email: 'ada@example.com', password: 'correct horse battery staple' });
    expect(pages).toEqual(['login', 'consent']);
    expect(tokens.claims()).toMatchObject({ sub: ada.id, email_verified: true, amr: ['pwd'] });
  });

  it('have the OIDC payloads written before the upgrade found by person (the index covers old rows)', async () => {
    expect(await server.gatehouse.store.oidc.find('Grant', 'grant-1')).not.toBeNull();
    expect(await server.gatehouse.store.oidc.revokeByAccountId('usr_x')).toBe(1);
    expect(await server.gatehouse.store.oidc.find('Grant', 'grant-1')).toBeNull();
  });
});
