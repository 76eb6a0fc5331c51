import { parse } from 'node:querystring';
import type { Middleware } from 'koa';
import { looksLikeApiKey } from '../domain/api-keys/format.js';
import type { ApiKeyRecord, Client } from '../store/ports.js';
import type { ApiKeyOutcome } from './api-key-verifier.js';
import { isPromise, type MaybePromise } from './maybe-async.js';
import type { AccessTokenClaims } from './access-token-introspection.js';
import { clientAuthenticator, isClientAuthFailure, refuseClient } from './client-authenticator.js';
import getRawBody from 'raw-body';

/** three base64url segments: a JWS in compact form */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** oidc-provider reads at most this much of a form body; so do we. */
const BODY_LIMIT = 56 * 1024;

export interface ApiKeyIntrospectionDeps {
  /** the introspection endpoint's path (oidc-provider's default) */
  path?: string;
  checkApiKey(presented: string): MaybePromise<ApiKeyOutcome>;
  /**
   * verifies a JWT access token of this issuer (any audience); when given, JWT access tokens are
   * answered here too (oidc-provider refuses to introspect structured tokens)
   */
  checkAccessToken?(token: string): Promise<AccessTokenClaims | null>;
  /** the confidential client whose secret this is, else null (constant time) */
  verifyClient(clientId: string, secret: string): Promise<Client | null>;
  /**
   * how long a successful client authentication is reused (default 1000 ms, 0 = never): a
   * rotated or deleted client secret still authenticates introspection for at most this long
   */
  clientCacheMs?: number;
  usage?: { touch(keyId: string, at: Date): void };
}

/**
 * The RFC 7662 answer for an active key; `ip_allowlist` and `rate_limit` let remote resource
 * servers enforce them, `metadata` becomes their principal's. A disabled key is not active: it
 * gets `{"active": false}` like a revoked one.
 */
export function introspectionOf(record: ApiKeyRecord): Record<string, unknown> {
  return {
    active: true,
    token_type: 'api_key',
    scope: record.permissions.join(' '),
    organization: record.organizationId,
    environment: record.environment,
    key_id: record.id,
    sub: record.id,
    iat: Math.floor(record.createdAt.getTime() / 1000),
    ...(record.expiresAt ? { exp: Math.floor(record.expiresAt.getTime() / 1000) } : {}),
    ip_allowlist: record.ipAllowlist,
    ...(record.rateLimit ? { rate_limit: { limit: record.rateLimit.limit, window_seconds: record.rateLimit.windowSeconds } } : {}),
    metadata: record.metadata,
  };
}

// records are immutable snapshots shared through the key cache: serialise each answer once
const answers = new WeakMap<ApiKeyRecord, string>();
function answerOf(record: ApiKeyRecord): string {
  let json = answers.get(record);
  if (json === undefined) answers.set(record, (json = JSON.stringify(introspectionOf(record))));
  return json;
}

/**
 * RFC 7662 introspection for API keys, mounted in front of oidc-provider. It answers only
 * `POST <path>` requests whose `token` is an API key (`ak_…`), or a JWT access token when
 * `checkAccessToken` is given (oidc-provider answers `unsupported_token_type` for structured
 * tokens); everything else (opaque tokens, other endpoints) goes through untouched. Having read the form body, it hands it on as
 * `ctx.req.body` (the raw text), which oidc-provider's body parser uses when the stream is spent.
 *
 * Policy: the caller must authenticate as a confidential client (client_secret_basic or
 * client_secret_post); a key is reported active only to clients of the key's own organization;
 * server-scoped keys are administrative and never reported active. A JWT is reported to its own
 * client and to clients of its organization (`org`), with its claims. Anything else, and anything
 * not active now, gets `{"active": false}` and nothing else.
 */
export function apiKeyIntrospection(deps: ApiKeyIntrospectionDeps): Middleware {
  const path = deps.path ?? '/token/introspection';
  const authenticateClient = clientAuthenticator({ verifyClient: deps.verifyClient, cacheMs: deps.clientCacheMs });
  return async function introspectApiKeys(ctx, next) {
    if (ctx.method !== 'POST' || ctx.path !== path || !ctx.is('application/x-www-form-urlencoded')) return next();
    let text: string;
    try {
      text = await getRawBody(ctx.req, { limit: BODY_LIMIT, length: ctx.request.length, encoding: 'utf8' });
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'failed to parse the request body' };
      return;
    }
    const body = parse(text) as Record<string, unknown>;
    const token = body.token;
    const kind = typeof token !== 'string' ? null : looksLikeApiKey(token) ? 'api_key' : JWT_SHAPE.test(token) && deps.checkAccessToken ? 'jwt' : null;
    if (kind === null) {
      (ctx.req as { body?: unknown }).body = text;
      return next();
    }
    ctx.set('Cache-Control', 'no-store');
    const client = await authenticateClient(ctx, body);
    if (isClientAuthFailure(client)) return refuseClient(ctx, client);
    if (kind === 'jwt') {
      const claims = await deps.checkAccessToken!(token as string);
      // the token's own client, or a client of the token's organization, may learn about it
      const allowed = claims && (claims.client_id === client.clientId || (claims.org && claims.org === client.organizationId));
      ctx.body = allowed ? { active: true, token_type: claims.cnf ? 'DPoP' : 'Bearer', ...claims, organization: claims.org ?? null } : { active: false };
      return;
    }
    const checked = deps.checkApiKey(token as string);
    const outcome = isPromise(checked) ? await checked : checked;
    if (!outcome.ok || outcome.record.organizationId === null || outcome.record.organizationId !== client.organizationId) {
      ctx.body = { active: false };
      return;
    }
    deps.usage?.touch(outcome.record.id, new Date());
    ctx.type = 'application/json';
    ctx.body = answerOf(outcome.record);
  };
}
