import { parseDuration } from '../domain/durations.js';
import type { ScimTokens } from '../scim/tokens/service.js';
import type { ScimTokenRecord } from '../store/ports.js';
import { orgRoute, type AnyRoute } from './route-kit.js';
import { listQuery, pageJson, pageOf } from './schemas/common.js';
import { createScimTokenBody, issuedScimToken, scimTokenObject } from './schemas/scim-tokens.js';

/**
 * `/organizations/{org}/scim-tokens` (`idp:read` / `idp:write`): the credentials an organization
 * gives its identity provider for `/scim/v2`. The plaintext token is in the creation's answer
 * only; the service bounds what a token may do by what its creator holds.
 */
export function scimTokenRoutes(tokens: ScimTokens, issuer: string): AnyRoute[] {
  const base = '/organizations/{org}/scim-tokens';
  const tag = 'SCIM tokens';
  const toJson = (t: ScimTokenRecord) => ({
    object: 'scim_token' as const, id: t.id, organization: t.organizationId, name: t.name, start: t.start, permissions: t.permissions,
    status: tokens.status(t), expires_at: t.expiresAt?.toISOString() ?? null, created_at: t.createdAt.toISOString(),
    created_by: t.createdBy, revoked_at: t.revokedAt?.toISOString() ?? null, last_used_at: t.lastUsedAt?.toISOString() ?? null,
  });
  return [
    orgRoute({
      method: 'post', path: base, tag, summary: 'Create a SCIM token for an identity provider (the token is returned this once)',
      permission: 'idp:write', body: createScimTokenBody, status: 201, response: issuedScimToken,
      handle: async ({ caller, org, body }) => {
        const { record, token } = await tokens.create(caller, org.id, {
          name: body.name, permissions: body.permissions, expiresInSeconds: body.expires_in === undefined ? null : parseDuration(body.expires_in),
        });
        return { ...toJson(record), token, scim_base_url: `${issuer}/scim/v2` };
      },
    }),
    orgRoute({
      method: 'get', path: base, tag, summary: 'List SCIM tokens, newest first', permission: 'idp:read',
      query: listQuery, response: pageOf(scimTokenObject),
      handle: async ({ caller, org, query }) => pageJson(await tokens.list(caller, org.id, { limit: query.limit, cursor: query.cursor }), toJson),
    }),
    orgRoute({
      method: 'get', path: `${base}/{id}`, tag, summary: 'Get a SCIM token', permission: 'idp:read', response: scimTokenObject,
      handle: async ({ caller, org, params }) => toJson(await tokens.get(caller, org.id, params.id)),
    }),
    orgRoute({
      method: 'delete', path: `${base}/{id}`, tag, summary: 'Revoke a SCIM token (it fails from the next request on)',
      permission: 'idp:write', status: 204,
      handle: ({ caller, org, params }) => tokens.revoke(caller, org.id, params.id),
    }),
  ];
}
