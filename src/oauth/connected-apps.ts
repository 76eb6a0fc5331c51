import type { Caller } from '../audit/actor.js';
import type { Events } from '../events/emitter.js';
import { problems } from '../http/problem.js';
import { loadControlled } from '../identity/authority.js';
import { pageRequest } from '../identity/paging.js';
import type { AppConnection, Client, Organization, Page, PageRequest, Store, User } from '../store/ports.js';
import type { ClientService } from './clients.js';

/** At most this many members are listed per app (the newest authorizations). */
export const MEMBERS_LISTED = 100;
/** The most authorizations of one app in one organization a disconnect weighs (its permission check). */
const MAX_CONNECTIONS = 100_000;

/** One app the organization's members authorized, and who did. */
export interface ConnectedApp {
  client: Client;
  /** the organization that registered the app (null if it is gone) */
  owner: Organization | null;
  members: Array<{ connection: AppConnection; user: User | null }>;
  /** more members authorized it than are listed */
  truncated: boolean;
}

export interface ConnectedAppsDeps {
  store: Store;
  clients: ClientService;
  /** `app.disconnected` (webhooks, audit log), stored with the removal */
  events: Events;
}

/** The permissions (resource scopes) connections carry. */
export const permissionsOf = (connections: readonly AppConnection[]): string[] =>
  [...new Set(connections.flatMap((c) => c.resources.flatMap((r) => r.scopes)))];

/**
 * Connected apps (SPEC §3): the apps an organization's members authorized to act for it. Every
 * read and removal is keyed by the organization, so an organization sees and ends only the
 * authorizations that act for itself, whoever owns the app.
 */
export class ConnectedApps {
  constructor(private readonly deps: ConnectedAppsDeps) {}

  /** Newest app first (by client id); apps deleted since are left out. */
  async list(organizationId: string, page?: Partial<PageRequest>): Promise<Page<ConnectedApp>> {
    const ids = await this.deps.store.appConnections.listClients(organizationId, pageRequest(page));
    const apps = await Promise.all(ids.items.map((clientId) => this.load(organizationId, clientId)));
    return { items: apps.filter((a): a is ConnectedApp => a !== null), nextCursor: ids.nextCursor };
  }

  /** @throws HttpProblem 404 when no member of the organization authorized this app */
  async get(organizationId: string, clientId: string): Promise<ConnectedApp> {
    const app = typeof clientId === 'string' && clientId.length <= 100 ? await this.load(organizationId, clientId) : null;
    if (!app) throw problems.notFound('connected app');
    return app;
  }

  /**
   * Ends the app's access to the organization (an `app.disconnected` event): its connections go
   * in one statement, and with them every grant made under them (the adapter serves a grant only while its connection
   * exists), so every refresh token and code of the app acting for this organization fails from
   * the next request on. Ending authorizations weakens the members who gave them, so the
   * authorization invariants apply (`identity/authority.ts`): refused (403) when they hold a
   * permission the caller lacks, or when the caller is a test credential (they serve live traffic).
   * @returns how many members' authorizations ended
   * @throws HttpProblem 404, 403 `permission_escalation` / `environment_escalation`
   */
  async disconnect(caller: Caller, organizationId: string, clientId: string): Promise<{ app: ConnectedApp; members: number }> {
    const { app, all } = await loadControlled(caller, organizationId, async () => ({
      app: await this.get(organizationId, clientId),
      all: await this.deps.store.appConnections.listByClient(organizationId, clientId, MAX_CONNECTIONS),
    }), ({ all }) => permissionsOf(all), 'You cannot disconnect an app whose authorizations hold');
    const disconnected = this.deps.events.record('app.disconnected', {
      organizationId, caller, target: { type: 'client', id: clientId },
      metadata: { members: all.length, owner_organization: app.client.organizationId },
      data: { app: { client_id: clientId, name: app.client.name }, members: all.length },
    });
    const members = await this.deps.store.appConnections.deleteByClient(organizationId, clientId, [disconnected]);
    return { app, members };
  }

  private async load(organizationId: string, clientId: string): Promise<ConnectedApp | null> {
    const [client, connections] = await Promise.all([
      this.deps.clients.findById(clientId),
      this.deps.store.appConnections.listByClient(organizationId, clientId, MEMBERS_LISTED + 1),
    ]);
    if (!client || connections.length === 0) return null;
    const listed = connections.slice(0, MEMBERS_LISTED);
    const [owner, users] = await Promise.all([
      this.deps.store.organizations.findById(client.organizationId),
      Promise.all(listed.map((c) => this.deps.store.users.findById(c.userId))),
    ]);
    return { client, owner, members: listed.map((connection, i) => ({ connection, user: users[i] })), truncated: connections.length > MEMBERS_LISTED };
  }
}
