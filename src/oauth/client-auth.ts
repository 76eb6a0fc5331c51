import type Provider from 'oidc-provider';
import type { ClientService } from './clients.js';

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
 * How the provider fetches a client's `jwks_uri`. oidc-provider refuses connections to loopback,
 * private and other special-use addresses (its dispatcher checks the connected socket, so DNS
 * rebinding cannot get past it); `allowPrivateNetworks` (development, tests) lifts that.
 */
export function jwksFetch(allowPrivateNetworks: boolean): Fetch {
  return (url, options) => {
    if (!allowPrivateNetworks) return globalThis.fetch(url, options);
    const { dispatcher: _guard, ...rest } = options;
    return globalThis.fetch(url, rest);
  };
}
