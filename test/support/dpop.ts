import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A client's DPoP key pair and a maker of proofs with any claim or header overridden (for attacks). */
export async function dpopKey(alg: 'ES256' | 'EdDSA' | 'RS256' = 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = async (options: {
    htm: string; htu: string; accessToken?: string; iat?: number; jti?: string; nonce?: string;
    claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: CryptoKey;
  }) => {
    const payload: Record<string, unknown> = {
      htm: options.htm, htu: options.htu, jti: options.jti ?? randomUUID(), iat: options.iat ?? Math.floor(Date.now() / 1000),
      ...(options.accessToken ? { ath: createHash('sha256').update(options.accessToken).digest('base64url') } : {}),
      ...(options.nonce ? { nonce: options.nonce } : {}),
      ...options.claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: jwk as JWK, ...options.header }).sign(options.key ?? privateKey);
  };
  return { privateKey, publicKey, jwk, keyPair: { privateKey, publicKey }, proof };
}

/** The `cnf.jkt` of an access token (no verification: tests read their own tokens). */
export function jktOf(token: string): string | undefined {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { cnf?: { jkt?: string } }).cnf?.jkt;
}

/** A user's DPoP-bound tokens: code + PKCE through the login and consent pages, the code exchanged with `DPoP` (none: without a proof). */
export async function dpopUserTokens(config: import('openid-client').Configuration, issuer: string, who: { email: string; password: string },
  DPoP: import('openid-client').DPoPHandle | undefined, scope = 'openid', params: Record<string, string> = {}) {
  const oidc = await import('openid-client');
  const { authorize, FormAgent, REDIRECT_URI } = await import('./oauth.js');
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope, state: 's', ...params,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const result = await authorize(new FormAgent(), issuer, url, who);
  return oidc.authorizationCodeGrant(config, result.callback, { pkceCodeVerifier: verifier, expectedState: 's' }, undefined, DPoP ? { DPoP } : undefined);
}
