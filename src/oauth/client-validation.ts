import { Checks, displayNameProblem, permissionListProblems } from '../identity/validation.js';
import { jwksProblems, jwksUriProblem } from './client-keys.js';
import { redirectUriProblem } from './redirect-uris.js';

/** RFC 8628's grant type (CLIs and devices sign people in on another screen). */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT] as const;
/** How a confidential client authenticates; public clients use `none`. */
export const CONFIDENTIAL_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** A client as validation sees it (after defaults, or after a patch is applied). */
export interface ClientDraft {
  name: unknown;
  redirectUris: unknown;
  postLogout: unknown;
  grantTypes: unknown;
  isPublic: boolean;
  scope: unknown;
  permissions: unknown;
  requirePar: unknown;
  requireDpop: unknown;
  multiOrganization: unknown;
  /** `none` for public clients */
  authMethod: unknown;
  jwks: unknown;
  jwksUri: unknown;
}

function uriListIssues(field: string, value: unknown, checks: Checks): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length > 20) {
    checks.add(field, 'must be a list of at most 20 URLs');
    return;
  }
  value.forEach((uri, i) => checks.add(`${field}[${i}]`, redirectUriProblem(uri)));
}

/** `private_key_jwt` needs exactly one of `jwks` and `jwks_uri`; other methods take neither. */
async function keyIssues(c: ClientDraft, checks: Checks): Promise<void> {
  const hasJwks = c.jwks !== undefined && c.jwks !== null;
  const hasUri = c.jwksUri !== undefined && c.jwksUri !== null;
  if (c.authMethod !== 'private_key_jwt') {
    if (hasJwks || hasUri) checks.add(hasJwks ? 'jwks' : 'jwks_uri', 'is only for token_endpoint_auth_method private_key_jwt');
    return;
  }
  if (hasJwks === hasUri) checks.add('jwks', 'private_key_jwt needs exactly one of jwks and jwks_uri');
  if (hasJwks) checks.addAll(await jwksProblems(c.jwks));
  if (hasUri) checks.add('jwks_uri', jwksUriProblem(c.jwksUri));
}

/**
 * The whole client after a create or a patch, checked as one (grant types constrain URIs, the
 * authentication method constrains keys).
 * @throws HttpProblem 400 validation_failed naming every bad field
 */
export async function validateClient(c: ClientDraft): Promise<void> {
  const checks = new Checks().add('name', displayNameProblem(c.name));
  uriListIssues('redirect_uris', c.redirectUris, checks);
  uriListIssues('post_logout_redirect_uris', c.postLogout, checks);
  const grants = c.grantTypes as string[];
  if (!Array.isArray(grants) || grants.length === 0 || grants.some((g) => !(CLIENT_GRANT_TYPES as readonly string[]).includes(g))) {
    checks.add('grant_types', `must be a non-empty list of ${CLIENT_GRANT_TYPES.join(', ')}`);
  } else {
    if (grants.includes('refresh_token') && !grants.includes('authorization_code') && !grants.includes(DEVICE_CODE_GRANT))
      checks.add('grant_types', `refresh_token needs authorization_code or ${DEVICE_CODE_GRANT}`);
    if (c.isPublic && grants.includes('client_credentials'))
      checks.add('grant_types', 'a public client cannot use client_credentials');
    if (grants.includes('authorization_code') && (!Array.isArray(c.redirectUris) || c.redirectUris.length === 0))
      checks.add('redirect_uris', 'must hold at least one URL for the authorization_code grant');
  }
  if (typeof c.scope !== 'string' || c.scope.split(' ').some((s) => !(OIDC_SCOPES as readonly string[]).includes(s)))
    checks.add('scope', `must be space-separated values of: ${OIDC_SCOPES.join(' ')}`);
  checks.addAll(permissionListProblems('permissions', c.permissions));
  if (typeof c.requirePar !== 'boolean') checks.add('require_pushed_authorization_requests', 'must be true or false');
  if (typeof c.requireDpop !== 'boolean') checks.add('dpop_bound_access_tokens', 'must be true or false');
  if (typeof c.multiOrganization !== 'boolean') checks.add('multi_organization', 'must be true or false');
  if (!c.isPublic && !(CONFIDENTIAL_AUTH_METHODS as readonly string[]).includes(c.authMethod as string))
    checks.add('token_endpoint_auth_method', `must be one of ${CONFIDENTIAL_AUTH_METHODS.join(', ')}`);
  await keyIssues(c, checks);
  checks.done();
}

