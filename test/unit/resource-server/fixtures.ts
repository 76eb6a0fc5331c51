import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { generateApiKey } from '../../../src/domain/api-keys/format.js';
import { newId } from '../../../src/domain/ids.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { errorBoundary } from '../../../src/http/error-boundary.js';
import { createLogger } from '../../../src/ops/logger.js';
import { openStore } from '../../../src/store/open.js';
import type { ApiKeyRecord, Store } from '../../../src/store/ports.js';
import { createInProcessResourceServer, type InProcessResourceServer } from '../../../src/resource-server/in-process.js';
import { countingStore, type StoreCalls } from '../../../bench/counting-store.js';

export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'https://api.test';

/** A signing key we control, its JWKS, and a minter of RFC 9068 access tokens. */
export async function testSigner(alg: 'RS256' | 'ES256' | 'EdDSA' = 'RS256', kid = 'k1') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const jwks: JSONWebKeySet = { keys: [jwk] };
  const mint = (claims: JWTPayload = {}, header: Record<string, unknown> = {}, key: CryptoKey | Uint8Array = privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'usr_1', client_id: 'cli_1', org: 'org_1', scope: 'invoices:read', iat: now, exp: now + 600, jti: newId('jti'), ...claims })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt', ...header })
      .sign(key);
  };
  return { privateKey, publicKey, jwk, jwks, mint };
}

export interface Fixture {
  store: Store;
  calls: StoreCalls;
  secrets: Secrets;
  rs: InProcessResourceServer;
  /** key ids touched by the usage recorder, in order */
  touched: string[];
  app: Koa;
  signer: Awaited<ReturnType<typeof testSigner>>;
  /** inserts a key record and returns its plaintext */
  addKey(overrides?: Partial<ApiKeyRecord>): Promise<{ key: string; record: ApiKeyRecord }>;
  close(): Promise<void>;
}

/**
 * A Koa app with the in-process middleware in front of `GET|POST /things` (needs
 * `invoices:read`), `POST /things/write` (needs `invoices:write`) and `GET /live-only` (live keys), over in-memory SQLite
 * whose calls are counted. `config` overrides apiKeys/plans/throttles settings.
 */
export async function fixture(
  config: Partial<{ trustProxy: number; allowQueryParam: boolean; planLimit: number; failedAuthLimit: number; cacheStalenessMs: number }> = {},
): Promise<Fixture> {
  const raw = await openStore('sqlite::memory:');
  const { store, calls } = countingStore(raw);
  const secrets = new Secrets(randomBytes(32).toString('base64url'));
  const signer = await testSigner();
  const touched: string[] = [];
  await raw.organizations.create({ id: 'org_1', slug: 'acme', name: 'Acme', plan: 'free', mfaRequired: false, leakedKeyPolicy: 'revoke', createdAt: new Date() });
  const rs = createInProcessResourceServer({
    config: {
      issuer: ISSUER,
      apiKeys: { prefix: 'ak', allowQueryParam: config.allowQueryParam ?? false, cacheStalenessMs: config.cacheStalenessMs ?? 1000, cacheMaxEntries: 1000, usageFlushMs: 1000 },
      plans: { free: { maxActiveKeys: 10, rateLimit: { limit: config.planLimit ?? 10_000, windowSeconds: 3600 }, monthlyUnits: 'unlimited' } },
      defaultPlan: 'free',
      throttles: {
        failedAuthPerIp: { limit: config.failedAuthLimit ?? 10_000, windowSeconds: 3600 },
        loginPerAccount: { limit: 5, windowSeconds: 900 }, loginPerIp: { limit: 50, windowSeconds: 900 },
      },
    },
    store, secrets, publicJwks: () => signer.jwks, usage: { touch: (id) => void touched.push(id) },
  });
  const app = new Koa();
  app.proxy = (config.trustProxy ?? 0) > 0;
  app.maxIpsCount = config.trustProxy ?? 0;
  app.use(errorBoundary(createLogger('silent')));
  const auth = rs.authenticate({ audience: AUDIENCE });
  app.use(async (ctx, next) => {
    if (ctx.path === '/live-only') return auth(ctx, () => rs.requireEnvironment('live')(ctx, async () => { ctx.body = 'ok'; }));
    if (!ctx.path.startsWith('/things')) return next();
    await auth(ctx, async () => {
      const guard = rs.requirePermissions(ctx.path === '/things/write' ? 'invoices:write' : 'invoices:read');
      await guard(ctx, async () => {
        ctx.body = { principal: ctx.state.principal };
      });
    });
  });
  const addKey = async (overrides: Partial<ApiKeyRecord> = {}) => {
    const id = newId('key');
    const environment = overrides.environment ?? 'live';
    const { key, start, digest } = generateApiKey(secrets, environment, id);
    const now = new Date();
    const record: ApiKeyRecord = {
      id, organizationId: 'org_1', name: 'k', environment, digest, start, permissions: ['invoices:read'],
      expiresAt: null, ipAllowlist: [], rateLimit: null, createdBy: 'cli', createdAt: now, updatedAt: now,
      revokedAt: null, rotatedTo: null, disabledAt: null, metadata: {}, ...overrides,
    };
    await raw.apiKeys.create(record);
    return { key, record };
  };
  return { store, calls, secrets, rs, touched, app, signer, addKey, close: async () => { rs.close(); await raw.close(); } };
}
