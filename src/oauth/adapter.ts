import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Store } from '../store/ports.js';
import type { ClientService } from './clients.js';
import { toProviderMetadata } from './client-metadata.js';

/** Models whose `consume()` must be won by exactly one caller (single-use grants). */
const SINGLE_USE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export interface AdapterDeps {
  store: Store;
  clients: ClientService;
  /** the algorithm ID tokens are signed with (the active signing key's) */
  idTokenAlg: () => string;
}

/**
 * oidc-provider's storage Adapter, written once over `store.oidc` for every model, plus the
 * `Client` model served from the client registry (the secret unsealed in memory only).
 *
 * `consume` is a compare-and-set: oidc-provider checks `consumed` and then consumes without a
 * lock, so two parallel requests with one refresh token (or code) would both pass its check.
 * The loser of the store's CAS is treated as a reuse (RFC 9700 §4.14.2): the whole grant is
 * revoked and the request fails with `invalid_grant`.
 */
export function createAdapterClass(deps: AdapterDeps): new (name: string) => Adapter {
  const { store } = deps;
  return class GatehouseAdapter implements Adapter {
    constructor(private readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('clients are registered through the ClientService');
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      await store.oidc.upsert(this.name, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') {
        const client = await deps.clients.findById(id);
        return client ? toProviderMetadata(client, deps.clients.secretOf(client), deps.idTokenAlg()) : undefined;
      }
      return ((await store.oidc.find(this.name, id)) ?? undefined) as AdapterPayload | undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return ((await store.oidc.findByUserCode(this.name, userCode)) ?? undefined) as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return ((await store.oidc.findByUid(this.name, uid)) ?? undefined) as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      const won = await store.oidc.consume(this.name, id, Math.floor(Date.now() / 1000));
      if (won || !SINGLE_USE.has(this.name)) return;
      const payload = await store.oidc.find(this.name, id);
      if (typeof payload?.grantId === 'string') {
        await store.oidc.revokeByGrantId(payload.grantId);
        await store.oidc.destroy('Grant', payload.grantId);
      }
      throw new errors.InvalidGrant(`${this.name === 'RefreshToken' ? 'refresh token' : 'grant'} already used`);
    }

    async destroy(id: string): Promise<void> {
      await store.oidc.destroy(this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.oidc.revokeByGrantId(grantId);
    }
  };
}
