import { HttpProblem } from '../../http/problem.js';
import { DPOP_ALGORITHMS } from './proof.js';

const ALGS = `algs="${DPOP_ALGORITHMS.join(' ')}"`;
const quote = (s: string) => s.replace(/["\\]/g, "'");

/** The `WWW-Authenticate` challenge of the DPoP scheme (RFC 9449 §7.1), with an error or without. */
export function dpopChallenge(error?: string, description?: string): string {
  return error ? `DPoP error="${error}", error_description="${quote(description ?? error)}", ${ALGS}` : `DPoP ${ALGS}`;
}

/**
 * The one 401 for every missing or bad credential: both schemes are challenged (RFC 9449 §7.2),
 * `Bearer` with `invalid_token` (RFC 6750) and `DPoP` with the algorithms its proofs may use.
 */
export function unauthorized(detail = 'The credential is missing, malformed, unknown, revoked or expired.'): HttpProblem {
  return new HttpProblem(401, 'invalid_token', 'Unauthorized', detail, {}, {
    'WWW-Authenticate': `Bearer realm="gatehouse", error="invalid_token", error_description="${quote(detail)}", ${dpopChallenge()}`,
  });
}

/** A DPoP-bound token presented as a bearer token, or the DPoP scheme with a token bound to no key (RFC 9449 §7.1, §7.2). */
export function dpopTokenMisuse(detail: string): HttpProblem {
  return new HttpProblem(401, 'invalid_token', 'Unauthorized', detail, {}, {
    'WWW-Authenticate': dpopChallenge('invalid_token', detail),
  });
}

/** A bad proof (`invalid_dpop_proof`), or a request to retry with the server's nonce (`use_dpop_nonce`, with `DPoP-Nonce`). */
export function dpopRefused(error: 'invalid_dpop_proof' | 'use_dpop_nonce', detail: string, nonce?: string): HttpProblem {
  return new HttpProblem(401, error, 'Unauthorized', detail, {}, {
    'WWW-Authenticate': dpopChallenge(error, detail),
    ...(nonce ? { 'DPoP-Nonce': nonce } : {}),
  });
}
