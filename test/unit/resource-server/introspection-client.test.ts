import { createIntrospectionClient, IntrospectionUnavailable } from '../../../src/resource-server/introspection-client.js';
import { discover } from '../../../src/resource-server/discovery.js';

const ACTIVE = { active: true, token_type: 'api_key', scope: 'invoices:read', organization: 'org_1', environment: 'live', key_id: 'key_1', ip_allowlist: ['10.0.0.0/8'], rate_limit: { limit: 5, window_seconds: 60 } };

function fakeFetch(answer: () => { status: number; body: unknown }) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const { status, body } = answer();
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('remote API-key checks through introspection', () => {
  it('maps an active answer to a principal with its allowlist and rate limit, sending client_secret_basic', async () => {
    const f = fakeFetch(() => ({ status: 200, body: ACTIVE }));
    const check = createIntrospectionClient({ endpoint: async () => 'https://as.test/token/introspection', clientId: 'c 1', clientSecret: 's:2', fetch: f.impl });
    expect(await check('ak_live_x')).toEqual({
      principal: { type: 'api_key', subject: 'key_1', key_id: 'key_1', organization: 'org_1', environment: 'live', permissions: ['invoices:read'], metadata: {} },
      ipAllowlist: ['10.0.0.0/8'], rateLimit: { limit: 5, windowSeconds: 60 }, jkt: null,
    });
    const headers = f.calls[0].init.headers as Record<string, string>;
    expect(Buffer.from(headers.authorization.slice(6), 'base64').toString()).toBe('c+1:s%3A2');
    expect(String(f.calls[0].init.body)).toContain('token=ak_live_x');
  });

  it('caches active answers for the positive TTL and inactive ones for the negative TTL', async () => {
    let now = 1_000_000;
    let body: unknown = ACTIVE;
    const f = fakeFetch(() => ({ status: 200, body }));
    const check = createIntrospectionClient({ endpoint: async () => 'https://as.test/i', clientId: 'c', clientSecret: 's', fetch: f.impl, now: () => now, positiveTtlMs: 5000, negativeTtlMs: 1000 });
    await check('ak_live_a');
    now += 4999;
    await check('ak_live_a');
    expect(f.calls).toHaveLength(1);
    now += 2;
    body = { active: false };
    expect(await check('ak_live_a')).toBeNull();
    expect(f.calls).toHaveLength(2);
    now += 999;
    expect(await check('ak_live_a')).toBeNull();
    expect(f.calls).toHaveLength(2);
    now += 2;
    await check('ak_live_a');
    expect(f.calls).toHaveLength(3);
  });

  it('never caches an active answer past the key\'s exp', async () => {
    let now = 1_000_000_000;
    const f = fakeFetch(() => ({ status: 200, body: { ...ACTIVE, exp: Math.floor(now / 1000) + 1 } }));
    const check = createIntrospectionClient({ endpoint: async () => 'https://as.test/i', clientId: 'c', clientSecret: 's', fetch: f.impl, now: () => now, positiveTtlMs: 5000 });
    await check('ak_live_a');
    now += 1500;
    await check('ak_live_a');
    expect(f.calls).toHaveLength(2);
  });

  it('sends one request for concurrent checks of the same key', async () => {
    const f = fakeFetch(() => ({ status: 200, body: ACTIVE }));
    const check = createIntrospectionClient({ endpoint: async () => 'https://as.test/i', clientId: 'c', clientSecret: 's', fetch: f.impl });
    await Promise.all(Array.from({ length: 20 }, () => check('ak_live_same')));
    expect(f.calls).toHaveLength(1);
  });

  it('raises IntrospectionUnavailable (not "inactive") when the server fails, and does not cache it', async () => {
    const f = fakeFetch(() => ({ status: 500, body: {} }));
    const check = createIntrospectionClient({ endpoint: async () => 'https://as.test/i', clientId: 'c', clientSecret: 's', fetch: f.impl });
    await expect(check('ak_live_a')).rejects.toBeInstanceOf(IntrospectionUnavailable);
    await expect(check('ak_live_a')).rejects.toBeInstanceOf(IntrospectionUnavailable);
    expect(f.calls).toHaveLength(2);
  });

  it('treats an active answer for another token type as not an API key', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { active: true, token_type: 'Bearer', scope: 'x:read', client_id: 'c' } }));
    const check = createIntrospectionClient({ endpoint: async () => 'https://as.test/i', clientId: 'c', clientSecret: 's', fetch: f.impl });
    expect(await check('ak_live_a')).toBeNull();
  });
});

describe('issuer discovery', () => {
  it('refuses metadata that names another issuer', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { issuer: 'https://evil.test', jwks_uri: 'https://evil.test/jwks', introspection_endpoint: 'https://evil.test/i' } }));
    await expect(discover('https://as.test', { fetch: f.impl })()).rejects.toThrow(/another issuer/);
  });

  it('fetches once and reuses the metadata', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { issuer: 'https://as.test', jwks_uri: 'https://as.test/jwks', introspection_endpoint: 'https://as.test/i' } }));
    const meta = discover('https://as.test', { fetch: f.impl });
    await meta();
    await meta();
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0].url).toBe('https://as.test/.well-known/oauth-authorization-server');
  });
});
