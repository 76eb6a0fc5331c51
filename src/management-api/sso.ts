import type { Sso } from '../sso/index.js';
import { domainToJson, ssoConnectionToJson } from '../sso/serialize.js';
import type { SsoConnection } from '../store/ports.js';
import { orgRoute, type AnyRoute } from './route-kit.js';
import { listQuery, pageJson, pageOf } from './schemas/common.js';
import { claimDomainBody, createSsoConnectionBody, domainObject, ssoConnectionObject, updateSsoConnectionBody } from './schemas/sso.js';

/**
 * Single sign-on (SPEC §10), `idp:read` / `idp:write`: `/organizations/{org}/sso-connection` (the
 * organization's OpenID Connect provider) and `/organizations/{org}/domains` (the email domains
 * it claims; the operator verifies them with the CLI). Every change also needs every permission
 * the organization's members hold (the service checks; `x-requires-member-permissions`).
 */
export function ssoRoutes(sso: Pick<Sso, 'connections' | 'domains' | 'redirectUri'>): AnyRoute[] {
  const connection = '/organizations/{org}/sso-connection';
  const domains = '/organizations/{org}/domains';
  const tag = 'Single sign-on';
  const toJson = (c: SsoConnection) => ssoConnectionToJson(c, sso.redirectUri);
  return [
    orgRoute({
      method: 'post', path: connection, tag, summary: 'Connect an OpenID Connect identity provider (its metadata is discovered first)',
      permission: 'idp:write', body: createSsoConnectionBody, status: 201, response: ssoConnectionObject, requiresMemberPermissions: true,
      handle: async ({ caller, org, body }) => toJson(await sso.connections.create(caller, org.id, {
        issuer: body.issuer, clientId: body.client_id, clientSecret: body.client_secret, defaultRole: body.default_role, required: body.sso_required,
      })),
    }),
    orgRoute({
      method: 'get', path: connection, tag, summary: 'Get the identity provider (never its secret)', permission: 'idp:read', response: ssoConnectionObject,
      handle: async ({ caller, org }) => toJson(await sso.connections.get(caller, org.id)),
    }),
    orgRoute({
      method: 'patch', path: connection, tag,
      summary: 'Change the provider, rotate its client secret, set the default role, or require single sign-on',
      permission: 'idp:write', body: updateSsoConnectionBody, response: ssoConnectionObject, requiresMemberPermissions: true,
      handle: async ({ caller, org, body }) => toJson(await sso.connections.update(caller, org.id, {
        issuer: body.issuer, clientId: body.client_id, clientSecret: body.client_secret, defaultRole: body.default_role, required: body.sso_required,
      })),
    }),
    orgRoute({
      method: 'delete', path: connection, tag, summary: 'Disconnect the identity provider (people sign in with a password or a passkey again)',
      permission: 'idp:write', status: 204, requiresMemberPermissions: true,
      handle: ({ caller, org }) => sso.connections.delete(caller, org.id),
    }),
    orgRoute({
      method: 'post', path: domains, tag, summary: 'Claim an email domain (publish its TXT record; the operator verifies it)',
      permission: 'idp:write', body: claimDomainBody, status: 201, response: domainObject, requiresMemberPermissions: true,
      handle: async ({ caller, org, body }) => domainToJson(await sso.domains.claim(caller, org.id, body.domain)),
    }),
    orgRoute({
      method: 'get', path: domains, tag, summary: 'List the claimed domains, newest first', permission: 'idp:read',
      query: listQuery, response: pageOf(domainObject),
      handle: async ({ caller, org, query }) => pageJson(await sso.domains.list(caller, org.id, { limit: query.limit, cursor: query.cursor }), domainToJson),
    }),
    orgRoute({
      method: 'get', path: `${domains}/{id}`, tag, summary: 'Get a domain claim', permission: 'idp:read', response: domainObject,
      handle: async ({ caller, org, params }) => domainToJson(await sso.domains.get(caller, org.id, params.id)),
    }),
    orgRoute({
      method: 'delete', path: `${domains}/{id}`, tag, summary: 'Withdraw a domain claim (a verified domain stops signing its people in through the provider)',
      permission: 'idp:write', status: 204, requiresMemberPermissions: true,
      handle: ({ caller, org, params }) => sso.domains.delete(caller, org.id, params.id),
    }),
  ];
}
