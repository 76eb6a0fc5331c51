import type { AdapterPayload } from 'oidc-provider';
import type { Client } from '../store/ports.js';

/**
 * A registered client as oidc-provider client metadata. The secret is passed in unsealed and
 * lives only in memory (the previous one, during a rotation's grace period, is checked by the
 * ClientService instead); `organization_id`, `permissions` and `multi_organization` travel as
 * extra client metadata.
 */
export function toProviderMetadata(client: Client, secret: string | null, idTokenAlg: string): AdapterPayload {
  const usesCode = client.grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    client_name: client.name,
    ...(secret ? { client_secret: secret } : {}),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    grant_types: client.grantTypes,
    response_types: usesCode ? ['code'] : [],
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    scope: client.scope,
    id_token_signed_response_alg: idTokenAlg,
    // honoured by oidc-provider's authorization endpoint: a request not pushed first is refused
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    // honoured by oidc-provider at every grant (code, refresh, client_credentials, device code): no proof, no token
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    organization_id: client.organizationId,
    permissions: client.permissions,
    multi_organization: client.multiOrganization,
  } as AdapterPayload;
}
