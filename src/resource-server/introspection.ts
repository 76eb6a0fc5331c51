import { parse } from 'node:querystring';
import type { Middleware } from 'koa';
import { looksLikeApiKey } from '../domain/api-keys/format.js';
import type { ApiKeyRecord, Client, Resource } from '../store/ports.js';
import { visiblePermissions } from './bindings.js';
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
  /**
   * the resources the client is bound to as their resource server (see `bindings.ts`; cached by
   * the caller, whose cache bounds how long an unbinding takes); without it, no client is bound
   */
  boundResources?(clientId: string): MaybePromise<readonly Resource[]>;
}

/**
 * The RFC 7662 answer for an active key; `ip_allowlist` and `rate_limit` let remote resource
 * servers enforce them, `metadata` becomes their principal's. A disabled key is not active: it
 * gets `{"active": false}` like a revoked one.
 */
export function introspectionOf(record: ApiKeyRecord, permissions: readonly string[] = record.permissions): Record<string, unknown> {
  return {
    active: true,
    token_type: 'api_key',
    scope: permissions.join(' '),
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
 * client_secret_post); a key is reported active, whole, to clients of the key's own organization;
 * server-scoped keys are administrative and never reported active. A JWT is reported to its own
 * client and to clients of its organization (`org`), with its claims. A client bound to resources
 * (a platform API's resource server) also learns about any other organization's keys and tokens
 * holding one of their permissions, with `scope` cut down to those permissions (a token counts
 * only for resources in its `aud`). Anything else, and anything not active now, gets
 * `{"active": false}` and nothing else.
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
      if (!claims) return void (ctx.body = { active: false });
      const answer = { active: true, token_type: claims.cnf ? 'DPoP' : 'Bearer', ...claims, organization: claims.org ?? null };
      // the token's own client, or a client of the token's organization, may learn about it
      if (claims.client_id === client.clientId || (claims.org && claims.org === client.organizationId)) return void (ctx.body = answer);
      const scope = claims.scope?.split(' ') ?? [];
      const visible = claims.org ? await visibleTo(client, claims.org, scope, Array.isArray(claims.aud) ? claims.aud : [claims.aud]) : [];
      ctx.body = visible.length ? { ...answer, scope: visible.join(' ') } : { active: false };
      return;
    }
    const checked = deps.checkApiKey(token as string);
    const outcome = isPromise(checked) ? await checked : checked;
    const record = outcome.ok ? outcome.record : null;
    if (!record || record.organizationId === null) return void (ctx.body = { active: false });
    if (record.organizationId === client.organizationId) {
      deps.usage?.touch(record.id, new Date());
      ctx.type = 'application/json';
      ctx.body = answerOf(record);
      return;
    }
    const visible = await visibleTo(client, record.organizationId, record.permissions);
    if (!visible.length) return void (ctx.body = { active: false });
    deps.usage?.touch(record.id, new Date());
    ctx.body = introspectionOf(record, visible);
  };

  async function visibleTo(client: Client, organizationId: string, held: readonly string[], audiences?: readonly string[]): Promise<string[]> {
    if (!deps.boundResources) return [];
    return visiblePermissions(held, organizationId, await deps.boundResources(client.clientId), audiences);
  }
}
