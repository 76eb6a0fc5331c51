import { Checks, displayNameProblem, permissionListProblems } from '../identity/validation.js';
import { redirectUriProblem } from './redirect-uris.js';

export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
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
}

function uriListIssues(field: string, value: unknown, checks: Checks): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length > 20) {
    checks.add(field, 'must be a list of at most 20 URLs');
    return;
  }
  value.forEach((uri, i) => checks.add(`${field}[${i}]`, redirectUriProblem(uri)));
}

/**
 * The whole client after a create or a patch, checked as one (grant types constrain URIs).
 * @throws HttpProblem 400 validation_failed naming every bad field
 */
export function validateClient(c: ClientDraft): void {
  const checks = new Checks().add('name', displayNameProblem(c.name));
  uriListIssues('redirect_uris', c.redirectUris, checks);
  uriListIssues('post_logout_redirect_uris', c.postLogout, checks);
  const grants = c.grantTypes as string[];
  if (!Array.isArray(grants) || grants.length === 0 || grants.some((g) => !(CLIENT_GRANT_TYPES as readonly string[]).includes(g))) {
    checks.add('grant_types', `must be a non-empty list of ${CLIENT_GRANT_TYPES.join(', ')}`);
  } else {
    if (grants.includes('refresh_token') && !grants.includes('authorization_code'))
      checks.add('grant_types', 'refresh_token needs authorization_code');
    if (c.isPublic && grants.includes('client_credentials'))
      checks.add('grant_types', 'a public client cannot use client_credentials');
    if (grants.includes('authorization_code') && (!Array.isArray(c.redirectUris) || c.redirectUris.length === 0))
      checks.add('redirect_uris', 'must hold at least one URL for the authorization_code grant');
  }
  if (typeof c.scope !== 'string' || c.scope.split(' ').some((s) => !(OIDC_SCOPES as readonly string[]).includes(s)))
    checks.add('scope', `must be space-separated values of: ${OIDC_SCOPES.join(' ')}`);
  checks.addAll(permissionListProblems('permissions', c.permissions));
  if (typeof c.requirePar !== 'boolean') checks.add('require_pushed_authorization_requests', 'must be true or false');
  checks.done();
}

