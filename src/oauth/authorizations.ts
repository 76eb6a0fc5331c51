import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { newId } from '../domain/ids.js';
import type { Events } from '../events/emitter.js';
import type { AppConnection, Store } from '../store/ports.js';
import type { ActingOrganizations } from './acting-organization.js';
import { newGrantId, parseGrantId } from './grant-ids.js';

type Grant = InstanceType<Provider['Grant']>;

/** What a consent page adds: oidc-provider's prompt details, already narrowed to what the person holds. */
export interface ConsentGiven {
  accountId: string;
  clientId: string;
  organizationId: string;
  scopes: string[];
  resources: Record<string, string[]>;
  claims: string[];
  /** the grant this authorization made already (from remembered consent), replaced by the new one */
  previousGrantId?: string;
  /** the operator's own console (first-party.ts), which has no consent page: not audited as an app connecting */
  firstParty?: boolean;
}

export interface AuthorizationsDeps {
  store: Store;
  provider: () => Provider;
  acting: ActingOrganizations;
  /** `app.connected` (webhooks, audit log), stored with the first connection */
  events: Events;
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/**
 * Token families: every authorization gets a grant of its own, made from the person's connection
 * to the app in the acting organization (the remembered consent). A replayed code or a reused
 * refresh token then revokes that authorization's tokens only, and a disconnect (deleting the
 * connections) ends every grant hanging from them.
 */
export function authorizations(deps: AuthorizationsDeps) {
  const { store } = deps;

  async function grantFrom(connection: AppConnection, claims: string[] = []): Promise<Grant> {
    const grant = new (deps.provider().Grant)({ accountId: connection.userId, clientId: connection.clientId });
    grant.jti = newGrantId(connection);
    if (connection.scopes.length) grant.addOIDCScope(connection.scopes.join(' '));
    if (claims.length) grant.addOIDCClaims(claims);
    for (const r of connection.resources) if (r.scopes.length) grant.addResourceScope(r.indicator, r.scopes.join(' '));
    await grant.save();
    return grant;
  }

  /** A grant this same authorization made on an earlier leg (consent just given, or made before a login prompt). */
  async function ownGrant(ctx: KoaContextWithOIDC, accountId: string, organizationId: string): Promise<Grant | undefined> {
    const ids = [ctx.oidc.result?.consent?.grantId, ctx.oidc.entities.Interaction?.grantId];
    for (const id of ids) {
      if (typeof id !== 'string' || parseGrantId(id)?.organizationId !== organizationId) continue;
      const grant = await deps.provider().Grant.find(id);
      if (grant && grant.accountId === accountId && grant.clientId === ctx.oidc.client!.clientId) return grant;
    }
    return undefined;
  }

  return {
    /** oidc-provider's `loadExistingGrant`: this authorization's grant, or a fresh one from remembered consent. */
    async loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
      const accountId = ctx.oidc.account?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const acting = await deps.acting.forAccount(ctx, accountId);
      if (acting.kind !== 'chosen') return undefined;
      const own = await ownGrant(ctx, accountId, acting.organizationId);
      if (own) return own;
      const connection = await store.appConnections.find(acting.organizationId, ctx.oidc.client.clientId, accountId);
      return connection ? grantFrom(connection) : undefined;
    },

    /**
     * Consent given on the page: remembered on the connection (joined with what it held), and a
     * new grant for this authorization carrying all of it. Returns the grant id.
     */
    async consent(given: ConsentGiven): Promise<string> {
      const now = new Date();
      const existing = await store.appConnections.find(given.organizationId, given.clientId, given.accountId);
      const resources = new Map((existing?.resources ?? []).map((r) => [r.indicator, r.scopes]));
      for (const [indicator, scopes] of Object.entries(given.resources)) resources.set(indicator, union(resources.get(indicator) ?? [], scopes));
      const draft: AppConnection = {
        id: newId('con'), organizationId: given.organizationId, clientId: given.clientId, userId: given.accountId,
        scopes: union(existing?.scopes ?? [], given.scopes), resources: [...resources].map(([indicator, scopes]) => ({ indicator, scopes })),
        createdAt: now, updatedAt: now,
      };
      const permissions = [...new Set(draft.resources.flatMap((r) => r.scopes))];
      // written by the store only if this save makes the connection (the first consent in the
      // organization); the operator's own console is no app an organization connects
      const connected = given.firstParty ? [] : [deps.events.record('app.connected', {
        organizationId: given.organizationId, at: now,
        caller: { principal: { type: 'user', subject: given.accountId, organization: given.organizationId, environment: null, permissions: [] } },
        target: { type: 'client', id: given.clientId }, metadata: { scopes: [...draft.scopes, ...permissions] },
        data: {
          app: { client_id: given.clientId, name: (await store.clients.findById(given.clientId))?.name ?? null },
          user_id: given.accountId, scopes: draft.scopes, permissions,
        },
      })];
      const connection = await store.appConnections.save(draft, connected);
      const grant = await grantFrom(connection, given.claims);
      // the grant this authorization made from remembered consent has no tokens yet: the new one replaces it
      if (given.previousGrantId && parseGrantId(given.previousGrantId)) await deps.provider().Grant.adapter.destroy(given.previousGrantId);
      return grant.jti;
    },
  };
}

export type Authorizations = ReturnType<typeof authorizations>;

/**
 * Whether a stored grant may be served: one made under a connection needs that connection to
 * exist still, for the same client and person (grants from before connections are served as
 * they are, until they expire).
 */
export async function grantAlive(store: Store, grantId: string, payload: Record<string, unknown>): Promise<boolean> {
  const named = parseGrantId(grantId);
  if (!named) return true;
  const connection = await store.appConnections.findById(named.connectionId);
  return !!connection && connection.organizationId === named.organizationId
    && connection.clientId === payload.clientId && connection.userId === payload.accountId;
}
