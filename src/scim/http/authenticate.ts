import type { Middleware } from 'koa';
import type { ScimTokens } from '../tokens/service.js';
import type { ScimRequest } from '../context.js';
import { ScimError } from '../protocol/errors.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The one answer for every missing or bad credential: an identity provider cannot tell forged from revoked. */
const unauthorized = () => new ScimError(401,
  'A SCIM token is required (Authorization: Bearer scim_…); this one is missing, malformed, unknown, revoked or expired.',
  undefined, { 'WWW-Authenticate': 'Bearer realm="gatehouse-scim", error="invalid_token"' });

/**
 * Authenticates a `/scim/v2` request by its `Authorization: Bearer scim_…` token and nothing
 * else: API keys, OAuth access tokens, query parameters and other headers are refused (401). A
 * forged token is refused without a store read; a valid one sets `ctx.state.scim`.
 */
export function authenticateScim(tokens: Pick<ScimTokens, 'authenticate'>): Middleware {
  return async (ctx, next) => {
    const presented = BEARER.exec(ctx.get('authorization'))?.[1];
    const caller = presented ? await tokens.authenticate(presented, ctx.ip) : null;
    if (!caller || caller.principal === 'operator' || caller.principal.type !== 'scim_token') throw unauthorized();
    const scim: ScimRequest = { caller, organizationId: caller.principal.organization! };
    ctx.state.scim = scim;
    await next();
  };
}
