import { isIP } from 'node:net';
import { z } from 'zod';
import { PERMISSION_FORM } from '../domain/permissions.js';
import { DEFAULT_PREFIX, PREFIX_FORM } from '../domain/api-keys/format.js';
import { p256PublicKey } from '../secret-scanning/github-keys.js';

const window = z.object({
  limit: z.number().int().positive(),
  windowSeconds: z.number().int().positive(),
});

const secret = z.string().refine((s) => /^[A-Za-z0-9_-]+$/.test(s) && Buffer.from(s, 'base64url').length >= 32, {
  message: 'must be base64url encoding at least 32 bytes (e.g. `openssl rand -base64 48 | tr "+/" "-_" | tr -d =`)',
});

/** Webhooks (SPEC §9): who may be called, how deliveries are paced, when reminders go out. */
const webhooks = z.object({
  /** http and private, loopback and link-local addresses allowed as endpoints (development: on; production: off) */
  allowPrivateNetworks: z.boolean().default(false),
  /** this instance delivers (every instance may: deliveries are leased one by one) */
  worker: z.boolean().default(true),
  /** how often the worker looks for events to dispatch and deliveries due (ms) */
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  /** deliveries one instance sends at once */
  concurrency: z.number().int().min(1).max(100).default(10),
  /** the longest one delivery attempt may take, connection to answer (ms) */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** how long a worker holds a delivery it is sending; must exceed `timeoutMs` (another instance retries after it) */
  leaseSeconds: z.number().int().min(1).max(3600).default(60),
  retry: z.object({
    /** the wait after the first failed attempt, doubled after each further one (with ±20 % jitter) */
    firstDelaySeconds: z.number().int().min(1).max(3600).default(30),
    /** the longest wait between two attempts */
    maxDelaySeconds: z.number().int().min(60).max(86_400).default(4 * 3600),
    /** a delivery still failing this long after it was made is marked failed (at least 24 h: SPEC §9) */
    giveUpAfterHours: z.number().int().min(24, 'must be at least 24 (SPEC §9: retried for at least 24 h)').max(24 * 30).default(24),
  }).prefault({}),
  /** an endpoint whose every attempt failed for this many days is disabled, and its organization alerted */
  disableAfterDays: z.number().min(1).max(90).default(5),
  maxEndpointsPerOrganization: z.number().int().min(1).max(1000).default(20),
  reminders: z.object({
    /** `api_key.rotation_due` once a key is this old (until organizations set their own) */
    rotationAfterDays: z.number().int().min(1).max(3650).default(90),
    /** how often the sweep for `api_key.expiring` and `api_key.rotation_due` runs (one instance at a time) */
    sweepIntervalMinutes: z.number().min(0.01).max(1440).default(60),
  }).prefault({}),
}).prefault({}).refine((w) => w.leaseSeconds * 1000 > w.timeoutMs, {
  path: ['leaseSeconds'], message: 'must be longer than webhooks.timeoutMs, or another instance could resend a delivery still being sent',
});

/** `ip` or `ip:port` (`[ipv6]:port`): a DNS server as `dns.Resolver.setServers` takes it. */
function isDnsServer(server: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : isIP(server) ? [server, undefined] : server.split(':');
  return isIP(host ?? '') !== 0 && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
}

/** Single sign-on (SPEC §10): organizations' OpenID Connect identity providers and the check of their email domains. */
const sso = z.object({
  /** identity providers may be http and at private, loopback or link-local addresses (development: on; production: off) */
  allowPrivateNetworks: z.boolean().default(false),
  /** the longest one request to an identity provider (discovery, token, keys) may take (ms) */
  timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
  /** how long a provider's discovered metadata (and keys) are reused before they are fetched again; a changed connection is fetched at once */
  metadataCacheSeconds: z.number().int().min(0).max(86_400).default(600),
  /** the DNS servers the domain check asks, `ip` or `ip:port`; empty: the system's resolver */
  dnsServers: z.array(z.string().refine(isDnsServer, 'must be an IP address, optionally with a port: "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:53"')).max(8).default([]),
  /** the longest one DNS query of the domain check may take (ms) */
  dnsTimeoutMs: z.number().int().min(100).max(30_000).default(5000),
}).prefault({});

/** GitHub's public keys, as pasted from https://api.github.com/meta/public_keys/secret_scanning. */
const githubPublicKey = z.object({
  keyIdentifier: z.string().min(1).max(200),
  key: z.string().refine((pem) => {
    try {
      p256PublicKey(pem);
      return true;
    } catch {
      return false;
    }
  }, 'must be the PEM of an ECDSA P-256 public key ("-----BEGIN PUBLIC KEY-----…")'),
});

/** Secret scanning (SPEC §10): GitHub's partner endpoint, POST /v1/secret-scanning/github. */
const secretScanning = z.object({
  github: z.object({
    /** the keys a request's signature must verify with (GitHub's `key_identifier` and `key`) */
    publicKeys: z.array(githubPublicKey).max(50).default([]),
    /** also fetch GitHub's list from `keysUrl` when a request names a key not known yet (off: only the keys above count) */
    fetchKeys: z.boolean().default(false),
    keysUrl: z.url({ protocol: /^https?$/ }).default('https://api.github.com/meta/public_keys/secret_scanning'),
    /** the fetched list is re-read at most this often */
    keysRefreshSeconds: z.number().int().min(60).max(86_400).default(3600),
    /** `keysUrl` may resolve to loopback or private addresses (tests only) */
    allowPrivateNetworks: z.boolean().default(false),
    /** the largest report accepted (413 beyond) */
    maxBodyBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
  }).prefault({}),
}).prefault({});

/**
 * Every setting, its type and default, in one schema. Files (`config/default.json`,
 * `config/<NODE_ENV>.json`) and environment variables feed it; see `load.ts` for the variables.
 */
export const configSchema = z.object({
  nodeEnv: z.enum(['development', 'test', 'production']),
  port: z.number({ message: 'must be an integer port number between 0 and 65535' }).int().min(0).max(65535),
  /** issuer URL, base of every endpoint; defaults to http://localhost:$PORT */
  issuer: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL without a trailing slash' })
    .refine((u) => !u.endsWith('/') && !u.includes('?') && !u.includes('#'), 'must not end with "/" nor carry a query or fragment'),
  databaseUrl: z.string().regex(/^(sqlite:.+|mongodb(\+srv)?:\/\/.+)$/, 'must be sqlite:<path>, sqlite::memory: or a mongodb:// / mongodb+srv:// URL'),
  dataDir: z.string().min(1),
  store: z.object({
    /**
     * the longest a request waits for one store operation before it is answered 503 (and
     * `/readyz` 503); MongoDB's server selection and majority-write timeouts use it too
     */
    timeoutMs: z.number().int().min(100).max(120_000),
  }).default({ timeoutMs: 5000 }),
  secret,
  /** `GATEHOUSE_SECRET_PREVIOUS`: secrets that were current before, still accepted to open and verify (rotation, README) */
  secretPrevious: z.array(secret).max(8).default([]),
  trustProxy: z.number({ message: 'must be a whole number of proxy hops (0 = ignore X-Forwarded-For)' }).int().min(0).max(10),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  bodyLimitBytes: z.number().int().min(1024).max(10 * 1024 * 1024),
  oauth: z.object({
    accessTokenTtlSeconds: z.number().int().min(60).max(86400),
    refreshTokenTtlSeconds: z.number().int().min(3600),
    signingAlg: z.enum(['RS256', 'ES256', 'EdDSA']),
    devInteractions: z.boolean(),
    /** how often each instance re-reads the signing keys (picks up another instance's rotation) */
    keyRefreshSeconds: z.number().int().min(1).max(3600).default(5),
    /** a refresh token presented again within this many seconds gets the same answer instead of revoking its family (0: never) */
    refreshReuseIntervalSeconds: z.number({ message: 'must be a whole number of seconds from 0 to 60' }).int().min(0).max(60).default(0),
    /** whether a client's jwks_uri may point at loopback or private addresses (development and tests only) */
    allowPrivateJwksUris: z.boolean().default(false),
    /** DPoP (RFC 9449), the same at the token endpoint, userinfo, the management API and the middleware */
    dpop: z.object({
      /** every DPoP proof must carry a server nonce (`DPoP-Nonce`, derived from GATEHOUSE_SECRET) */
      requireNonce: z.boolean().default(false),
      /** seconds a proof's `iat` may be from now without a nonce (oidc-provider's window: 300) */
      iatWindowSeconds: z.number().int().min(5).max(300).default(300),
    }).default({ requireNonce: false, iatWindowSeconds: 300 }),
  }),
  apiKeys: z.object({
    /** what new keys start with (`<prefix>_live_…`); keys minted under another prefix keep working */
    prefix: z.string().regex(PREFIX_FORM, 'must be 2 to 16 lower-case letters and digits, starting with a letter (e.g. "ak")').default(DEFAULT_PREFIX),
    allowQueryParam: z.boolean(),
    /** how long another instance may keep serving a revoked/changed key from its cache */
    cacheStalenessMs: z.number().int().min(100).max(60000),
    cacheMaxEntries: z.number().int().min(100),
    /** how often buffered last_used_at / usage counts are written */
    usageFlushMs: z.number().int().min(100).max(300000),
  }),
  /** where mail goes: `smtp://user:pass@host:port` or `smtps://…`; unset: `.eml` files under `<dataDir>/outbox/` */
  smtpUrl: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587').optional(),
  /** the sender of every mail */
  mailFrom: z.string().min(3).max(320).regex(/@/, 'must be an address such as "Gatehouse <no-reply@example.com>"'),
  mail: z.object({
    /** how often each instance looks for mail due in the stored outbox (a new mail is also sent at once) */
    pollIntervalMs: z.number().int().min(50).max(60_000),
    /** attempts before a mail is given up */
    maxAttempts: z.number().int().min(1).max(50),
    /** the first retry's delay; each next one doubles, up to an hour */
    retryBaseMs: z.number().int().min(10).max(3_600_000),
    /** how long a worker holds a mail it is sending before another instance may take it over */
    leaseMs: z.number().int().min(1000).max(3_600_000),
  }),
  plans: z.record(z.string(), z.object({
    maxActiveKeys: z.number().int().positive(),
    rateLimit: window,
    /** metered units an organization on this plan may use per UTC calendar month; "unlimited" (the default) counts without a cap */
    monthlyUnits: z.union([z.number().int().positive(), z.literal('unlimited')]).default('unlimited'),
    /**
     * the platform resources' permissions an organization on this plan may grant (`noun:*` for
     * every action of a noun); absent: all of them. Management permissions and the
     * organization's own resources' are not affected.
     */
    platformPermissions: z.array(z.string().regex(PERMISSION_FORM, 'must be "resource:action" permissions (lower-case; "noun:*" for every action)')).optional(),
  })),
  defaultPlan: z.string(),
  /** metering (SPEC §9): the `usage.anomaly` rule (see src/usage/anomaly.ts) */
  usage: z.object({
    /** an hour is anomalous only above this many requests */
    anomalyFloor: z.number().int().min(1),
    /** ... and above this many times the key's median active hour of the previous 7 days */
    anomalyFactor: z.number().min(2).max(1000),
  }).default({ anomalyFloor: 1000, anomalyFactor: 10 }),
  throttles: z.object({ failedAuthPerIp: window, loginPerAccount: window, loginPerIp: window }),
  /** invitations an organization may send per window (each is a mail to someone outside it) */
  invitations: z.object({ perOrganization: window }),
  webhooks,
  sso,
  secretScanning,
  accounts: z.object({
    /** whether anyone may create an organization and its first admin at `/signup` */
    selfSignup: z.boolean(),
    /** the name authenticator apps list a TOTP under and passkey prompts show */
    displayName: z.string().min(1).max(64),
    /** sign-up, password-reset and verification-link requests per client address */
    requestsPerIp: window,
    /** mails of one kind (verification, password reset, "you already have an account") one address receives at most */
    mailsPerAddress: window,
  }).default({
    selfSignup: true, displayName: 'Gatehouse',
    requestsPerIp: { limit: 20, windowSeconds: 900 }, mailsPerAddress: { limit: 3, windowSeconds: 3600 },
  }),
}).refine((c) => c.defaultPlan in c.plans, { path: ['defaultPlan'], message: 'must name one of the configured plans' });

export type Config = z.infer<typeof configSchema>;
export type WebhooksConfig = Config['webhooks'];
