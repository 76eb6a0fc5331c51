import { HttpProblem, problems } from '../../http/problem.js';
import { rateLimitHeaders, secondsUntil } from '../headers.js';
import type { Admission } from '../rate-limiter.js';
import { unauthorized } from '../dpop/problems.js';

/** The one answer for every bad credential: callers cannot tell forged from unknown from revoked. */
export const UNAUTHORIZED = unauthorized();

export const TWO_CREDENTIALS = problems.badRequest('invalid_request', 'Send exactly one credential: an Authorization bearer token or an X-API-Key header.');

export const IP_NOT_ALLOWED = problems.forbidden('ip_not_allowed', 'This credential may not be used from this address.');

export const READ_ONLY = problems.forbidden('read_only_credential', 'This credential is read-only: it may only make GET, HEAD and OPTIONS requests.');

/** 429 `rate_limited` with `Retry-After` and the `RateLimit-*` headers of the denying policy. */
export function tooManyRequests(admission: Admission): HttpProblem {
  return problems.tooManyRequests(secondsUntil(admission.resetAt), rateLimitHeaders(admission));
}
