import { z } from 'zod';
import { permissionsOf, type ConnectedApp, type ConnectedApps } from '../oauth/connected-apps.js';
import { orgRoute, type AnyRoute } from './route-kit.js';
import { listQuery, pageJson, pageOf, timestamp } from './schemas/common.js';

const member = z.object({
  user_id: z.string(), email: z.string().nullable(),
  scopes: z.array(z.string()).describe('OpenID scopes the member consented to'),
  permissions: z.array(z.string()).describe('permissions the member consented to, per the resources asked for'),
  authorized_at: timestamp.describe('first authorization'), updated_at: timestamp.describe('latest consent'),
});

const connectedApp = z.object({
  object: z.literal('connected_app'), client_id: z.string(), name: z.string(),
  owner_organization: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable()
    .describe('the organization that registered the app'),
  multi_organization: z.boolean(),
  permissions: z.array(z.string()).describe('every permission a member granted the app'),
  first_authorized_at: timestamp, last_authorized_at: timestamp,
  members: z.array(member).describe('who authorized it, newest first (at most 100)'),
  members_truncated: z.boolean().describe('more members authorized it than are listed'),
});

function toJson(app: ConnectedApp) {
  const connections = app.members.map((m) => m.connection);
  const times = connections.flatMap((c) => [c.createdAt.getTime(), c.updatedAt.getTime()]);
  return {
    object: 'connected_app' as const, client_id: app.client.clientId, name: app.client.name,
    owner_organization: app.owner && { id: app.owner.id, slug: app.owner.slug, name: app.owner.name },
    multi_organization: app.client.multiOrganization, permissions: permissionsOf(connections),
    first_authorized_at: new Date(Math.min(...times)).toISOString(), last_authorized_at: new Date(Math.max(...times)).toISOString(),
    members: app.members.map(({ connection: c, user }) => ({
      user_id: c.userId, email: user?.email ?? null, scopes: c.scopes, permissions: permissionsOf([c]),
      authorized_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString(),
    })),
    members_truncated: app.truncated,
  };
}

/**
 * `/organizations/{org}/connected-apps`: the apps the organization's members authorized to act
 * for it (whoever registered them), and disconnecting one (`clients:read` / `clients:write`).
 */
export function connectedAppRoutes(connectedApps: ConnectedApps): AnyRoute[] {
  const base = '/organizations/{org}/connected-apps';
  const tag = 'Connected apps';
  return [
    orgRoute({
      method: 'get', path: base, tag, summary: 'List the apps members authorized to act for this organization, newest first',
      permission: 'clients:read', query: listQuery, response: pageOf(connectedApp),
      handle: async ({ org, query }) => pageJson(await connectedApps.list(org.id, { limit: query.limit, cursor: query.cursor ?? null }), toJson),
    }),
    orgRoute({
      method: 'get', path: `${base}/{client_id}`, tag, summary: 'Get one connected app', permission: 'clients:read', response: connectedApp,
      handle: async ({ org, params }) => toJson(await connectedApps.get(org.id, params.client_id)),
    }),
    orgRoute({
      method: 'delete', path: `${base}/{client_id}`, tag, status: 204,
      summary: "Disconnect an app: every grant and refresh token it holds for this organization's members fails from the next request on",
      permission: 'clients:write',
      handle: async ({ caller, org, params }) => {
        await connectedApps.disconnect(caller, org.id, params.client_id);
      },
    }),
  ];
}
