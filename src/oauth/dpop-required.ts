import type Provider from 'oidc-provider';

const EXPLANATION = 'this client must present a DPoP proof (RFC 9449): send a DPoP header with the token request';

/**
 * oidc-provider refuses a token request without a DPoP proof from a client registered with
 * `dpop_bound_access_tokens` as a bare `invalid_grant` ("grant request is invalid"), keeping the
 * reason to itself. The reason is no secret (the client's own registration says it), so the
 * answer names it, and a developer knows what to change.
 */
export function explainDpopRequired(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    const oidc = (ctx as { oidc?: { route?: string; client?: { dpopBoundAccessTokens?: boolean } } }).oidc;
    const body = ctx.body as { error?: unknown } | undefined;
    if (oidc?.route === 'token' && ctx.status === 400 && body?.error === 'invalid_grant'
      && oidc.client?.dpopBoundAccessTokens === true && !ctx.get('dpop')) {
      ctx.body = { ...body, error_description: EXPLANATION };
    }
  });
}
