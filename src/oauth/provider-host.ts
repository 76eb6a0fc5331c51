import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import { inProviderContext } from './provider-async-context.js';
import { answerStoreOutage, isStoreOutage } from './store-outage.js';

/** Paths oidc-provider answers (its default routes, mounted at the issuer root). */
const PROVIDER_PATH = /^\/(?:auth|token|me|jwks|request|device|session\/end|\.well-known\/openid-configuration)(?:\/|$)/;
const RFC8414_METADATA = '/.well-known/oauth-authorization-server';

/**
 * Holds the running Provider and swaps it for a new one when its keys change (oidc-provider
 * takes its keystore at construction). Requests already inside the old instance finish there;
 * everything it keeps is in the store, so the swap loses nothing.
 */
export class ProviderHost {
  private instance: Provider;
  private handler: ReturnType<Provider['callback']>;

  constructor(private readonly build: () => Provider, private readonly logger: Logger, private readonly proxy: { proxy: boolean; maxIpsCount: number }) {
    this.instance = this.configure(build());
    this.handler = this.instance.callback();
  }

  get current(): Provider {
    return this.instance;
  }

  /** Builds a provider from the current configuration (keys) and serves it from the next request on. */
  rebuild(): void {
    const next = this.configure(this.build());
    this.instance = next;
    this.handler = next.callback();
  }

  private configure(provider: Provider): Provider {
    provider.proxy = this.proxy.proxy;
    provider.maxIpsCount = this.proxy.maxIpsCount;
    provider.on('server_error', (ctx, err) => {
      if (!isStoreOutage(err)) return this.logger.error({ err }, 'oidc-provider server error');
      this.logger.warn({ err }, 'store unavailable');
      answerStoreOutage(ctx);
    });
    provider.on('grant.revoked', (_ctx, grantId) => this.logger.info({ grantId }, 'grant revoked'));
    return provider;
  }

  /**
   * Koa middleware handing the provider's paths to it (raw request and response: the provider is
   * a Koa app with its own cookie keys). `/.well-known/oauth-authorization-server` (RFC 8414)
   * serves the same metadata document as OpenID discovery.
   */
  middleware(before?: (ctx: Parameters<Middleware>[0]) => Promise<boolean>): Middleware {
    return async (ctx, next) => {
      const isMetadata = ctx.path === RFC8414_METADATA;
      if (!isMetadata && !PROVIDER_PATH.test(ctx.path)) return next();
      if (before && (await before(ctx))) return;
      if (isMetadata) ctx.req.url = '/.well-known/openid-configuration';
      // headers set now survive: the provider writes to the same response
      ctx.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
      if (!ctx.response.get('X-Frame-Options')) ctx.set('X-Frame-Options', 'DENY');
      ctx.respond = false;
      await inProviderContext(() => this.handler(ctx.req, ctx.res));
    };
  }
}
