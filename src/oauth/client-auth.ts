import { createHash, timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { ClientService } from './clients.js';
import { publicFetch } from './public-fetch.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Client secrets are checked by the ClientService, which knows the previous secret during a
 * rotation's grace period: oidc-provider's Client exposes `compareClientSecret` as the place to
 * do so (panva/node-oidc-provider#631). The provider read the client for this very request (it
 * re-reads clients on every request, see adapter.ts), current secret included, so that secret is
 * compared first, in memory; only any other value (the previous secret, or a wrong one) costs
 * the ClientService's store read. Constant-time comparisons of digests either way; which path
 * ran tells a caller only whether the secret was the current one, as the answer does.
 */
export function checkClientSecretsWith(provider: Provider, clients: ClientService): void {
  type ProviderClient = { clientId: string; clientSecret?: string };
  const prototype = provider.Client.prototype as unknown as { compareClientSecret(this: ProviderClient, actual: string): Promise<boolean> };
  prototype.compareClientSecret = async function compareClientSecret(actual) {
    if (typeof actual !== 'string') return false;
    if (typeof this.clientSecret === 'string' && timingSafeEqual(digest(this.clientSecret), digest(actual))) return true;
    return (await clients.verifySecret(this.clientId, actual)) !== null;
  };
}

type Fetch = (url: URL | string, options: RequestInit & { dispatcher?: unknown }) => Promise<Response>;

/**
 * How the provider fetches a client's `jwks_uri`: through {@link publicFetch} (public addresses
 * only, checked when the socket connects; no redirects; 64 KB), or with `allowPrivateNetworks`
 * (development, tests) a plain fetch.
 */
export function jwksFetch(allowPrivateNetworks: boolean): Fetch {
  return (url, options) => {
    if (!allowPrivateNetworks) return publicFetch(url, options);
    const { dispatcher: _unused, ...rest } = options;
    return globalThis.fetch(url, rest);
  };
}
