import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, seedOAuth } from '../../support/oauth.js';

let dir: string;
let store: Store;
let server: RunningGatehouse;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-storage-'));
  store = await openStore(`sqlite:${join(dir, 'gatehouse.db')}`);
  server = await startTestServer({}, { store });
});
afterAll(async () => {
  await server.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte the SQLite store has written (main file and write-ahead log). */
const databaseBytes = () => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f)))).toString('latin1');

describe('what the store keeps of OAuth secrets', () => {
  // (an interaction's id does reach the store, inside its `returnTo` URL: it is worthless without
  // the interaction cookie's signature, made with a key derived from GATEHOUSE_SECRET)
  it('never holds an authorization code, refresh token, session id or client secret in plaintext', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { tokens, callback } = await loginAndExchange(config, agent, server.url, seeded,
      { scope: 'openid email offline_access users:read', prompt: 'consent' });
    const code = callback.searchParams.get('code')!;
    expect(tokens.refresh_token).toBeTruthy();

    const bytes = databaseBytes();
    // the rows exist (the flow worked through this very store) ...
    expect(bytes).toContain(seeded.client.clientId);
    // ... but none of the bearer values do
    const sessionId = agent.cookie('_session');
    expect(sessionId).toBeTruthy();
    for (const secret of [code, tokens.refresh_token!, seeded.clientSecret!, sessionId!]) expect(bytes).not.toContain(secret);
  });
});
