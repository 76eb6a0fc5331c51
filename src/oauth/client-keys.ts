import { importJWK, type JWK } from 'jose';
import type { FieldIssue } from '../http/problem.js';
import { redirectUriProblem } from './redirect-uris.js';

/** Algorithms a `private_key_jwt` client may sign its assertions with (never HMAC: the server would need the key). */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA'] as const;

const MAX_KEYS = 10;
const MAX_JWKS_BYTES = 16 * 1024;
/** JWK members that only a private or symmetric key has: a client registers public keys only. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const DEFAULT_ALG: Record<string, string> = { RSA: 'RS256', EC: 'ES256', OKP: 'EdDSA' };

/** Why one JWK is unusable as a client's signature key, or null. */
async function keyProblem(key: unknown): Promise<string | null> {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'must be a JWK object';
  const jwk = key as JWK & Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'must be a public key (private or symmetric key material found)';
  if (typeof jwk.kty !== 'string' || !(jwk.kty in DEFAULT_ALG)) return 'kty must be RSA, EC or OKP';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'use must be "sig"';
  if (jwk.alg !== undefined && !(CLIENT_ASSERTION_ALGS as readonly string[]).includes(String(jwk.alg)))
    return `alg must be one of ${CLIENT_ASSERTION_ALGS.join(', ')}`;
  try {
    await importJWK(jwk, String(jwk.alg ?? (jwk.kty === 'OKP' ? 'EdDSA' : DEFAULT_ALG[jwk.kty])));
    return null;
  } catch {
    return 'is not a valid public key';
  }
}

/**
 * Problems of a client's `jwks` (a JWK Set of at most 10 public signature keys), each naming its
 * field; empty when the set is fine.
 */
export async function jwksProblems(jwks: unknown): Promise<FieldIssue[]> {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS)
    return [{ field: 'jwks', message: `must be a JWK Set: {"keys": [...]} with 1 to ${MAX_KEYS} public keys` }];
  if (JSON.stringify(jwks).length > MAX_JWKS_BYTES) return [{ field: 'jwks', message: `must be at most ${MAX_JWKS_BYTES} bytes` }];
  const issues: FieldIssue[] = [];
  for (const [i, key] of keys.entries()) {
    const problem = await keyProblem(key);
    if (problem) issues.push({ field: `jwks.keys[${i}]`, message: problem });
  }
  return issues;
}

/** A `jwks_uri`'s problem: https, or http on a loopback host (development), like redirect URIs. */
export function jwksUriProblem(uri: unknown): string | null {
  return redirectUriProblem(uri);
}
