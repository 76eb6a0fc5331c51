import { randomBytes } from 'node:crypto';
import { FreshTokens } from '../../../src/console/auth/fresh-tokens.js';
import type { ConsoleOidcClient, TokenOutcome } from '../../../src/console/auth/oidc.js';
import { ConsoleSessions } from '../../../src/console/session/sessions.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';

const origin = { remoteAddress: '127.0.0.1', encrypted: false };
const secrets = new Secrets(randomBytes(32).toString('base64url'));
let store: Store;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
});
afterAll(() => store.close());

/** A token endpoint that counts refreshes, answers after `delayMs`, and refuses a refresh token used twice. */
function tokenEndpoint(delayMs = 50) {
  const used = new Set<string>();
  let calls = 0;
  const client = {
    async refresh(_o: unknown, refreshToken: string): Promise<TokenOutcome> {
      calls++;
      await new Promise((r) => setTimeout(r, delayMs));
      if (used.has(refreshToken)) return { ok: false, error: 'invalid_grant' };
      used.add(refreshToken);
      return { ok: true, tokens: { accessToken: `at-${calls}`, refreshToken: `rt-${calls}`, accessExpiresAt: Date.now() + 3_600_000, userId: 'usr_1', orgId: 'org_1', permissions: ['api_keys:read'] } };
    },
  };
  return { client: client as unknown as ConsoleOidcClient, calls: () => calls };
}

async function expiredSession(sessions: ConsoleSessions) {
  const { session } = await sessions.create({
    userId: 'usr_1', email: 'a@b.test',
    orgs: [{ orgId: 'org_1', slug: 'acme', name: 'Acme', accessToken: 'at-0', refreshToken: 'rt-0', accessExpiresAt: Date.now() - 1000, permissions: [] }],
  });
  return session;
}

describe('refreshing a console session\'s tokens', () => {
  it('refreshes once for concurrent requests of one process, and every request gets the new token', async () => {
    const sessions = new ConsoleSessions(store.consoleSessions, secrets);
    const endpoint = tokenEndpoint();
    const fresh = new FreshTokens(sessions, endpoint.client);
    const session = await expiredSession(sessions);
    const results = await Promise.all(Array.from({ length: 5 }, () => fresh.get(origin, session, 'org_1')));
    expect(endpoint.calls()).toBe(1);
    expect(results.map((r) => r.access?.accessToken)).toEqual(Array(5).fill('at-1'));
    const stored = (await sessions.reload(session.id))!.data.orgs[0];
    expect(stored).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(stored.refreshingUntil).toBeUndefined();
  });

  it('refreshes once across two instances sharing the store (a lease on the session), never reusing the refresh token', async () => {
    const sessionsA = new ConsoleSessions(store.consoleSessions, secrets);
    const sessionsB = new ConsoleSessions(store.consoleSessions, secrets);
    const endpoint = tokenEndpoint(200);
    const a = new FreshTokens(sessionsA, endpoint.client);
    const b = new FreshTokens(sessionsB, endpoint.client);
    const session = await expiredSession(sessionsA);
    const [ra, rb] = await Promise.all([a.get(origin, session, 'org_1'), b.get(origin, structuredClone(session), 'org_1')]);
    expect(endpoint.calls()).toBe(1);
    expect([ra.access?.accessToken, rb.access?.accessToken]).toEqual(['at-1', 'at-1']);
  });

  it('drops the organization from the session when the refresh is refused (sign in again)', async () => {
    const sessions = new ConsoleSessions(store.consoleSessions, secrets);
    const endpoint = tokenEndpoint(0);
    const session = await expiredSession(sessions);
    await endpoint.client.refresh(origin, 'rt-0');
    const result = await new FreshTokens(sessions, endpoint.client).get(origin, session, 'org_1');
    expect(result.access).toBeNull();
    expect((await sessions.reload(session.id))!.data.orgs).toEqual([]);
  });

  it('leaves a token with time left alone', async () => {
    const sessions = new ConsoleSessions(store.consoleSessions, secrets);
    const endpoint = tokenEndpoint(0);
    const { session } = await sessions.create({ userId: 'u', email: 'e', orgs: [{ orgId: 'o', slug: 's', name: 'n', accessToken: 'fresh', refreshToken: 'r', accessExpiresAt: Date.now() + 600_000, permissions: [] }] });
    expect((await new FreshTokens(sessions, endpoint.client).get(origin, session, 'o')).access?.accessToken).toBe('fresh');
    expect(endpoint.calls()).toBe(0);
  });
});
