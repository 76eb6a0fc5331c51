import { z } from 'zod';
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
  require_pushed_authorization_requests: z.boolean().optional()
    .describe('RFC 9126: refuse authorization requests that were not pushed to the PAR endpoint first (default false)'),
  dpop_bound_access_tokens: z.boolean().optional()
    .describe('RFC 9449: issue this client DPoP-bound access tokens only; a token request without a DPoP proof is refused (default false)'),
  ...clientReachAndKeys,
};

const clientObject = z.object({
  object: z.literal('client'), client_id: z.string(), organization_id: z.string(), name: z.string(),
  redirect_uris: z.array(z.string()), post_logout_redirect_uris: z.array(z.string()), grant_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(), public: z.boolean(), scope: z.string(), permissions: z.array(z.string()),
  require_pushed_authorization_requests: z.boolean(), dpop_bound_access_tokens: z.boolean(), ...clientReachAndKeysOut, created_at: timestamp, updated_at: timestamp,
});
const withSecret = clientObject.extend({ client_secret: z.string().optional().describe('confidential clients: shown this once') });

/** A client as created or re-keyed: the secret travels beside it, once. */
type Issued = Client & { issuedSecret?: string };

/**
 * OAuth clients of the organization. `ClientService` enforces the invariants: a client's own
 * permissions must be held by whoever grants them, and a client can be changed, re-keyed or
 * deleted only by a caller holding everything the client can obtain.
 */
export function clientRoutes(clients: ClientService): AnyRoute[] {
  const toJson = (c: Issued) => ({
    object: 'client' as const, ...clients.toJSON(c), ...(c.issuedSecret ? { client_secret: c.issuedSecret } : {}),
  });
  const service = {
    async create(caller: Parameters<ClientService['create']>[0], organizationId: string, input: Parameters<ClientService['create']>[2]): Promise<Issued> {
      const { client, client_secret } = await clients.create(caller, organizationId, input);
      return { ...client, issuedSecret: client_secret };
    },
    get: (o: string, id: string) => clients.get(o, id),
    list: (o: string, page: { limit: number; cursor?: string | null }) => clients.list(o, page),
    update: clients.update.bind(clients),
    delete: clients.delete.bind(clients),
  };
  return [
    ...crudRoutes({
      noun: 'clients', auditNoun: 'client', tag: 'OAuth clients', service, idOf: (c) => c.clientId, toJson, object: withSecret,
      createBody: z.object({
        ...fields, public: z.boolean().optional().describe('no secret, PKCE only'), token_endpoint_auth_method: authMethodField,
      }).strict(),
      updateBody: z.object({ ...fields, name: displayName.optional() }).strict(),
      auditMetadata: (body) => ({
        grant_types: body.grant_types, permissions: body.permissions, redirect_uris: body.redirect_uris,
        require_pushed_authorization_requests: body.require_pushed_authorization_requests,
        dpop_bound_access_tokens: body.dpop_bound_access_tokens, multi_organization: body.multi_organization,
        token_endpoint_auth_method: 'token_endpoint_auth_method' in body ? body.token_endpoint_auth_method : undefined, jwks_uri: body.jwks_uri,
      }),
    }),
    orgRoute({
      method: 'post', path: '/organizations/{org}/clients/{id}/rotate-secret', tag: 'OAuth clients',
      summary: 'A new client secret, shown once; the previous one keeps working for the grace period (default: stops at once)',
      permission: 'clients:write', status: 201, response: withSecret, body: rotateSecretBody,
      handle: async ({ caller, org, params, body, audit }) => {
        const grace = graceSeconds(body);
        const { client, client_secret } = await clients.rotateSecret(caller, org.id, params.id, grace);
        await audit('client.secret_rotated', { type: 'client', id: client.clientId }, { grace_period_seconds: grace });
        return toJson({ ...client, issuedSecret: client_secret });
      },
    }),
  ];
}
