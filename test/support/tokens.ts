import * as oidc from 'openid-client';
import { authorize, clientConfig, FormAgent, REDIRECT_URI } from './oauth.js';

/** A client_credentials access token for the management API with these permissions. */
export async function clientCredentialsToken(issuer: string, clientId: string, secret: string, permissions: readonly string[]): Promise<string> {
  const config = await clientConfig(issuer, clientId, secret);
  return (await oidc.clientCredentialsGrant(config, { scope: permissions.join(' ') })).access_token;
}

/** A person's access token for the management API, through the login and consent pages (code + PKCE). */
export async function userAccessToken(issuer: string, clientId: string, secret: string, who: { email: string; password: string },
  permissions: readonly string[]): Promise<string> {
  const config = await clientConfig(issuer, clientId, secret);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: ['openid', ...permissions].join(' '), state: 's',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callback } = await authorize(new FormAgent(), issuer, url, who);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's' });
  return tokens.access_token;
}
