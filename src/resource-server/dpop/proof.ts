import { hash } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { normalizeHtu } from './htu.js';
import type { DpopNonces } from './nonce.js';

/**
 * Proof signature algorithms accepted (asymmetric only: never `none`, never HMAC). oidc-provider
 * is configured with the same list (`enabledJWA.dPoPSigningAlgValues`), so a key a client may
 * bind at the token endpoint is one every resource server accepts.
 */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;

/** Members of a JWK that only a private key has: a proof carrying one is refused. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A proof that checked out: what the replay check and the token binding need. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (base64url), to match `cnf.jkt` */
  jkt: string;
  jti: string;
  /** ms epoch after which this proof's `iat` is outside the window, so its `jti` may be forgotten */
  usableUntil: number;
}

/** Why a proof was refused: `use_dpop_nonce` asks the client to retry with the nonce it is given. */
export type DpopRefusal = { error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

export interface DpopProofOptions {
  /** seconds a proof's `iat` may be from now, either way (default 300, as oidc-provider) */
  iatWindowSeconds?: number;
  /** server nonces; with `requireNonce` every proof must carry a current one */
  nonces?: DpopNonces;
  requireNonce?: boolean;
  now?: () => number;
}

export interface ProofRequest {
  proof: string;
  method: string;
  /** the request's absolute URL */
  url: string;
  /** the access token the proof goes with (its SHA-256 must be the proof's `ath`) */
  accessToken: string;
}

/** RFC 7638 thumbprint, from the required members in lexicographic order. */
export function jwkThumbprint(jwk: JWK): string | null {
  let members: Record<string, unknown>;
  if (jwk.kty === 'EC') members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  else if (jwk.kty === 'OKP') members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  else if (jwk.kty === 'RSA') members = { e: jwk.e, kty: jwk.kty, n: jwk.n };
  else return null;
  for (const value of Object.values(members)) if (typeof value !== 'string' || !value) return null;
  return hash('sha256', JSON.stringify(members), 'base64url');
}

/**
 * Checks a DPoP proof JWT (RFC 9449 §4.3) for one request: exactly one compact JWS, `typ:
 * dpop+jwt`, an allow-listed `alg`, a public `jwk` in the header that verifies the signature,
 * `htm` = the method, `htu` = the URL (normalised, without query and fragment), `iat` within the
 * window, a `jti`, `ath` = SHA-256 of the access token, and the server nonce when one is
 * required (or when the proof carries one). The `jti` replay check and the `cnf.jkt` match are
 * the caller's (they need the store and the token). Imported keys are cached by thumbprint, so a
 * client reusing its key pays one signature verification per proof.
 */
export function createDpopProofChecker(options: DpopProofOptions = {}) {
  const now = options.now ?? Date.now;
  const windowMs = (options.iatWindowSeconds ?? 300) * 1000;
  const keys = new LRUCache<string, Awaited<ReturnType<typeof importJWK>>>({ max: 10_000 });
  const refuse = (description: string): DpopRefusal => ({ error: 'invalid_dpop_proof', description });

  return async function checkProof(request: ProofRequest): Promise<DpopProof | DpopRefusal> {
    const { proof } = request;
    if (proof.length > 8192 || proof.split('.').length !== 3) return refuse('the DPoP header must carry one proof JWT');
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      return refuse('the DPoP proof is not a JWT');
    }
    const jwk = header.jwk as JWK | undefined;
    if (header.typ !== 'dpop+jwt') return refuse('the DPoP proof must have typ dpop+jwt');
    if (typeof header.alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(header.alg)) return refuse('the DPoP proof algorithm is not accepted');
    if (!jwk || typeof jwk !== 'object' || PRIVATE_MEMBERS.some((m) => m in jwk)) return refuse('the DPoP proof must carry a public jwk');
    const jkt = jwkThumbprint(jwk);
    if (!jkt) return refuse('the DPoP proof jwk is not a usable public key');

    let payload: Record<string, unknown>;
    try {
      const cacheKey = `${header.alg}|${jkt}`;
      let key = keys.get(cacheKey);
      if (!key) keys.set(cacheKey, (key = await importJWK({ ...jwk, ext: true } as JWK, header.alg)));
      ({ payload } = await jwtVerify(proof, key, { algorithms: [header.alg], typ: 'dpop+jwt' }));
    } catch {
      return refuse('the DPoP proof signature does not verify with its jwk');
    }

    if (payload.htm !== request.method) return refuse('the DPoP proof htm does not match the request method');
    const htu = normalizeHtu(payload.htu);
    if (!htu || htu !== normalizeHtu(request.url)) return refuse('the DPoP proof htu does not match the request URL');
    if (typeof payload.jti !== 'string' || !payload.jti || payload.jti.length > 256) return refuse('the DPoP proof must have a jti');
    if (payload.ath !== hash('sha256', request.accessToken, 'base64url')) return refuse('the DPoP proof ath does not match the access token');

    const at = now();
    const nonce = payload.nonce;
    if (nonce !== undefined && (typeof nonce !== 'string' || !options.nonces)) return refuse('the DPoP proof nonce is not one this server issued');
    if (typeof nonce === 'string') {
      if (!options.nonces!.check(nonce)) return { error: 'use_dpop_nonce', description: 'the DPoP nonce is not current: retry with the one in DPoP-Nonce' };
    } else if (options.requireNonce) {
      return { error: 'use_dpop_nonce', description: 'this server requires a nonce in DPoP proofs: retry with the one in DPoP-Nonce' };
    }
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return refuse('the DPoP proof must have an iat');
    // a proof carrying a current nonce is fresh by construction; otherwise its iat must be recent
    if (typeof nonce !== 'string' && Math.abs(at - payload.iat * 1000) > windowMs) return refuse('the DPoP proof iat is outside the accepted window');
    return { jkt, jti: payload.jti, usableUntil: Math.max(at, payload.iat * 1000) + windowMs };
  };
}

export function isRefusal(result: DpopProof | DpopRefusal): result is DpopRefusal {
  return 'error' in result;
}
