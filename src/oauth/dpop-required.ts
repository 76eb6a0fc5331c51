import type Provider from 'oidc-provider';

const EXPLANATION = 'this client must present a DPoP proof (RFC 9449): send a DPoP header with the token request';

/**
 * oidc-provider refuses a token request without a DPoP proof from a client registered with
 * `dpop_bound_access_tokens` as a bare `invalid_grant` ("grant request is invalid"), keeping the
 * reason to itself. The reason is no secret (the client's own registration says it), so the
 * answer names it, and a developer knows what to change. Done in the `grant.error` event, which
 * the provider emits after writing the error body: nothing is added to requests that succeed.
 */
export function explainDpopRequired(provider: Provider): void {
  provider.on('grant.error', (ctx) => {
    const client = (ctx as { oidc?: { client?: { dpopBoundAccessTokens?: boolean } } }).oidc?.client;
    const body = ctx.body as { error?: unknown } | undefined;
    if (client?.dpopBoundAccessTokens === true && !ctx.get('dpop') && typeof body === 'object' && body?.error === 'invalid_grant') {
      ctx.body = { ...body, error_description: EXPLANATION };
    }
  });
}
