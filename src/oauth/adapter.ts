import { createHmac } from 'node:crypto';
import { errors, type Adapter, type AdapterPayload, type KoaContextWithOIDC } from 'oidc-provider';
import type { Secrets } from '../domain/secrets.js';
import type { Events } from '../events/emitter.js';
import type { Store } from '../store/ports.js';
import { grantAlive } from './authorizations.js';
import { organizationOfGrant } from './grant-ids.js';
import type { ClientService } from './clients.js';
import { toProviderMetadata } from './client-metadata.js';
import { RefreshRetry, withinReuseInterval } from './refresh-reuse.js';

/** Models whose `consume()` must be won by exactly one caller (single-use grants). */
const SINGLE_USE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export interface AdapterDeps {
  store: Store;
  secrets: Secrets;
  clients: ClientService;
  /** the algorithm ID tokens are signed with (the active signing key's) */
  idTokenAlg: () => string;
  /** `oauth.refreshReuseIntervalSeconds` in ms: a refresh token presented again this soon is a retry, not a reuse */
  refreshReuseIntervalMs?: number;
  /** `refresh_token.reuse_detected`, stored with the revocation of the token family */
  events: Events;
  /** the provider request being served (to tell a refresh-token grant from other reads of a token) */
  request?: () => KoaContextWithOIDC | undefined;
}

/** The HMAC the store keys a model's id by (ids of tokens and codes are bearer secrets). */
export function storageIdFunction(secrets: Secrets): (model: string, id: string) => string {
  const idKey = secrets.key('oidc-ids');
  return (model, id) => createHmac('sha256', idKey).update(`${model}\0${id}`).digest('base64url');
}

/** The storage ids under each configured secret, current first: rows written before a rotation keep theirs. */
function storageIdsFunction(secrets: Secrets): (model: string, id: string) => string[] {
  const idKeys = secrets.keys('oidc-ids');
  return (model, id) => idKeys.map((key) => createHmac('sha256', key).update(`${model}\0${id}`).digest('base64url'));
}

/**
 * oidc-provider's storage Adapter, written once over `store.oidc` for every model, plus the
 * `Client` model served from the client registry (the secret unsealed in memory only).
 *
 * `consume` is a compare-and-set: oidc-provider checks `consumed` and then consumes without a
 * lock, so two parallel requests with one refresh token (or code) would both pass its check.
 * The loser of the store's CAS is treated as a reuse (RFC 9700 §4.14.2): the whole grant is
 * revoked and the request fails with `invalid_grant`. A refresh token found consumed (a reuse the
 * provider itself detects, then revokes) has its family revoked here already, so that either
 * way the revocation and its `refresh_token.reuse_detected` event are one store write. Every authorization has a grant of its own
 * (a token family), so that revokes this authorization's tokens only; and within
 * `refreshReuseIntervalMs` of the first use a refresh token is a retry instead (its consume stamp
 * is hidden from the provider, and the lost CAS throws {@link RefreshRetry}, which the
 * refresh-reuse middleware answers with the first request's tokens).
 *
 * A Grant is served only while the connection its id names exists (see `grant-ids.ts`).
 *
 * The ids of these models are bearer secrets (a refresh token's or code's value, the session
 * cookie), so the store never sees them: rows are keyed by an HMAC of model and id, and the
 * payload's copies (`jti`, an interaction's `session.cookie`) are kept sealed. Someone who reads
 * the database cannot replay them. After a rotation of GATEHOUSE_SECRET a row is found under the
 * id of any configured secret (current first), and rewritten under the current one when it changes.
 */
export function createAdapterClass(deps: AdapterDeps): new (name: string) => Adapter {
  const { store, secrets } = deps;
  const storageIds = storageIdsFunction(secrets);
  const rotated = secrets.previous.length > 0;
  /** The storage id of the row `id` names: the current secret's, or a previous one's that holds a row. */
  const locate = async (model: string, id: string): Promise<string> => {
    const [current, ...previous] = storageIds(model, id);
    if (!rotated || (await store.oidc.find(model, current))) return current;
    for (const key of previous) if (await store.oidc.find(model, key)) return key;
    return current;
  };
  const reuseMs = deps.refreshReuseIntervalMs ?? 0;
  const jtiContext = (model: string) => `oidc-jti:${model}`;

  type Fields = Record<string, unknown>;
  /** `field` of `record` replaced by `sealed` + its sealed value (records without it unchanged) */
  const sealField = (record: Fields, field: string, sealed: string, context: string): Fields => {
    const { [field]: value, ...rest } = record;
    return typeof value === 'string' ? { ...rest, [sealed]: secrets.seal(value, context) } : record;
  };
  /** the inverse of `sealField` */
  const openField = (record: Fields, sealed: string, field: string, context: string): Fields => {
    const { [sealed]: value, ...rest } = record;
    return typeof value === 'string' ? { ...rest, [field]: secrets.unseal(value, context) } : record;
  };
  /** An interaction's payload names its session by the session's id (the cookie value): sealed too. */
  const withSession = (payload: Fields, change: (session: Fields) => Fields): Fields =>
    typeof payload.session === 'object' && payload.session !== null ? { ...payload, session: change(payload.session as Fields) } : payload;

  const toStore = (model: string, payload: Fields): Fields =>
    withSession(sealField(payload, 'jti', 'sealedJti', jtiContext(model)),
      (session) => sealField(session, 'cookie', 'sealedCookie', jtiContext('Session')));

  const fromStore = (model: string, stored: Fields | null): AdapterPayload | undefined =>
    stored ? withSession(openField(stored, 'sealedJti', 'jti', jtiContext(model)),
      (session) => openField(session, 'sealedCookie', 'cookie', jtiContext('Session'))) as AdapterPayload : undefined;

  /** Whether the provider is serving a refresh-token grant by the client this token was issued to. */
  const presentedForRefresh = (payload: Fields): boolean => {
    const ctx = deps.request?.();
    return ctx?.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token'
      && typeof payload.grantId === 'string' && ctx.oidc.client?.clientId === payload.clientId;
  };

  /** The event of a reused refresh token, for its family's organization (none for grants from before organizations). */
  const reuseDetected = async (payload: Fields) => {
    const organizationId = organizationOfGrant(String(payload.grantId));
    const clientId = typeof payload.clientId === 'string' ? payload.clientId : null;
    if (!organizationId || !clientId) return [];
    const userId = typeof payload.accountId === 'string' ? payload.accountId : null;
    return [deps.events.record('refresh_token.reuse_detected', {
      organizationId, target: { type: 'client', id: clientId }, metadata: { user_id: userId },
      caller: { principal: { type: 'client', subject: clientId, organization: organizationId, environment: null, permissions: [] } },
      data: { app: { client_id: clientId, name: (await deps.clients.findById(clientId))?.name ?? null }, user_id: userId },
    })];
  };

  return class GatehouseAdapter implements Adapter {
    constructor(private readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('clients are registered through the ClientService');
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      const [current, ...previous] = storageIds(this.name, id);
      await store.oidc.upsert(this.name, current, toStore(this.name, payload as Record<string, unknown>), expiresAt);
      // the copy written under a previous secret is superseded
      for (const key of previous) await store.oidc.destroy(this.name, key);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') {
        const client = await deps.clients.findById(id);
        return client ? toProviderMetadata(client, deps.clients.secretOf(client), deps.idTokenAlg()) : undefined;
      }
      let raw = null;
      for (const key of storageIds(this.name, id)) if ((raw = await store.oidc.find(this.name, key))) break;
      const stored = fromStore(this.name, raw);
      if (!stored) return undefined;
      if (this.name === 'Grant' && !(await grantAlive(store, id, stored))) return undefined;
      if (this.name === 'RefreshToken' && withinReuseInterval(stored.consumed, reuseMs)) {
        const { consumed: _retry, ...unconsumed } = stored;
        return unconsumed as AdapterPayload;
      }
      if (this.name === 'RefreshToken' && stored.consumed && presentedForRefresh(stored)) {
        // a reuse: the provider revokes the family next; doing it here carries the event with the revocation
        await store.oidc.revokeByGrantId(String(stored.grantId), await reuseDetected(stored));
      }
      return stored;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return fromStore(this.name, await store.oidc.findByUserCode(this.name, userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return fromStore(this.name, await store.oidc.findByUid(this.name, uid));
    }

    async consume(id: string): Promise<void> {
      const key = await locate(this.name, id);
      const won = await store.oidc.consume(this.name, key, Date.now());
      if (won || !SINGLE_USE.has(this.name)) return;
      const payload = await store.oidc.find(this.name, key);
      if (this.name === 'RefreshToken' && withinReuseInterval(payload?.consumed, reuseMs)) throw new RefreshRetry();
      if (typeof payload?.grantId === 'string') {
        const detected = this.name === 'RefreshToken' ? await reuseDetected(payload) : [];
        await store.oidc.revokeByGrantId(payload.grantId, detected);
        for (const grantKey of storageIds('Grant', payload.grantId)) await store.oidc.destroy('Grant', grantKey);
      }
      throw new errors.InvalidGrant(`${this.name === 'RefreshToken' ? 'refresh token' : 'grant'} already used`);
    }

    async destroy(id: string): Promise<void> {
      for (const key of storageIds(this.name, id)) await store.oidc.destroy(this.name, key);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.oidc.revokeByGrantId(grantId);
    }
  };
}
