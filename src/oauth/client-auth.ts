import type Provider from 'oidc-provider';
import type { ClientService } from './clients.js';
import { publicFetch } from './public-fetch.js';

/**
 * Client secrets are checked by the ClientService, which knows the previous secret during a
 * rotation's grace period: oidc-provider's Client exposes `compareClientSecret` as the place to
 * do so (panva/node-oidc-provider#631). Constant-time, one store read.
 */
export function checkClientSecretsWith(provider: Provider, clients: ClientService): void {
  const prototype = provider.Client.prototype as unknown as { compareClientSecret(this: { clientId: string }, actual: string): Promise<boolean> };
  prototype.compareClientSecret = async function compareClientSecret(actual) {
    return typeof actual === 'string' && (await clients.verifySecret(this.clientId, actual)) !== null;
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
