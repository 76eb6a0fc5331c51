import { z } from 'zod';
import { assertGrantableIn } from '../api-keys/rules.js';
import type { Caller } from '../audit/actor.js';
import type { PermissionService } from '../identity/permissions.js';
import type { ClientService } from '../oauth/clients.js';
import type { Client } from '../store/ports.js';
import { crudRoutes } from './crud.js';
import { orgRoute, type AnyRoute } from './route-kit.js';
import { authMethodField, clientReachAndKeys, clientReachAndKeysOut, graceSeconds, rotateSecretBody } from './schemas/clients.js';
import { displayName, permissionList, timestamp } from './schemas/common.js';

const uris = z.array(z.string().max(2048)).max(20);
const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] as const;
const fields = {
  name: displayName,
  redirect_uris: uris.optional(),
  post_logout_redirect_uris: uris.optional(),
  grant_types: z.array(z.enum(GRANTS)).max(GRANTS.length).optional(),
  scope: z.string().max(200).optional().describe('space-separated OpenID scopes the client may request'),
  permissions: permissionList.optional().describe('what the client itself may do (client_credentials)'),
  ...clientReachAndKeys,
};

const clientObject = z.object({
  object: z.literal('client'), client_id: z.string(), organization_id: z.string(), name: z.string(),
  redirect_uris: z.array(z.string()), post_logout_redirect_uris: z.array(z.string()), grant_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(), public: z.boolean(), scope: z.string(), permissions: z.array(z.string()),
  ...clientReachAndKeysOut, created_at: timestamp, updated_at: timestamp,
});
const withSecret = clientObject.extend({ client_secret: z.string().optional().describe('confidential clients: shown this once') });

/** A client as created or re-keyed: the secret travels beside it, once. */
type Issued = Client & { issuedSecret?: string };

/**
 * OAuth clients of the organization. A client's own permissions (client_credentials) must be in
 * the organization's vocabulary and held by whoever registers it.
 */
export function clientRoutes(clients: ClientService, permissions: Pick<PermissionService, 'outsideVocabulary'>): AnyRoute[] {
  const toJson = (c: Issued) => ({
    object: 'client' as const, ...clients.toJSON(c), ...(c.issuedSecret ? { client_secret: c.issuedSecret } : {}),
  });
  const guard = (caller: Caller, organizationId: string, body: { permissions?: string[] }) =>
    assertGrantableIn(caller, permissions, organizationId, body.permissions ?? []);
  const service = {
    async create(organizationId: string, input: Parameters<ClientService['create']>[1]): Promise<Issued> {
      const { client, client_secret } = await clients.create(organizationId, input);
      return { ...client, issuedSecret: client_secret };
    },
    get: (o: string, id: string) => clients.get(o, id),
    list: (o: string, page: { limit: number; cursor?: string | null }) => clients.list(o, page),
    update: (o: string, id: string, patch: Parameters<ClientService['update']>[2]) => clients.update(o, id, patch),
    delete: (o: string, id: string) => clients.delete(o, id),
  };
  return [
    ...crudRoutes({
      noun: 'clients', auditNoun: 'client', tag: 'OAuth clients', service, idOf: (c) => c.clientId, toJson, object: withSecret,
      createBody: z.object({
        ...fields, public: z.boolean().optional().describe('no secret, PKCE only'), token_endpoint_auth_method: authMethodField,
      }).strict(),
      updateBody: z.object({ ...fields, name: displayName.optional() }).strict(),
      guard, auditMetadata: (body) => ({ grant_types: body.grant_types, permissions: body.permissions, multi_organization: body.multi_organization }),
    }),
    orgRoute({
      method: 'post', path: '/organizations/{org}/clients/{id}/rotate-secret', tag: 'OAuth clients',
      summary: 'A new client secret, shown once; the previous one keeps working for the grace period (default: stops at once)',
      permission: 'clients:write', status: 201, response: withSecret, body: rotateSecretBody,
      handle: async ({ org, params, body, audit }) => {
        const grace = graceSeconds(body);
        const { client, client_secret } = await clients.rotateSecret(org.id, params.id, grace);
        await audit('client.secret_rotated', { type: 'client', id: client.clientId }, { grace_period_seconds: grace });
        return toJson({ ...client, issuedSecret: client_secret });
      },
    }),
  ];
}
