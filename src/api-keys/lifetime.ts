import { formatDuration } from '../domain/durations.js';
import { problems } from '../http/problem.js';
import type { Organization } from '../store/ports.js';

type Limit = Pick<Organization, 'maxKeyLifetimeSeconds'> | null;

const plus = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/**
 * The expiry of a key created at `now` in an organization with a `max_key_lifetime`: a request
 * without `expires_in` gets the longest allowed (SPEC §4: "new keys get at most that expiry"); a
 * request for longer is refused rather than silently shortened, so the caller learns the limit.
 * @throws HttpProblem 400 on `expires_in` naming the limit
 */
export function expiryOfNewKey(org: Limit, requestedSeconds: number | null | undefined, now: Date): Date | null {
  const max = org?.maxKeyLifetimeSeconds ?? null;
  if (max !== null && requestedSeconds != null && requestedSeconds > max)
    throw problems.validation([{ field: 'expires_in', message: `must be at most ${formatDuration(max)}: the organization's max_key_lifetime` }]);
  const seconds = requestedSeconds ?? max;
  return seconds ? plus(now, seconds) : null;
}

/**
 * The expiry of a rotation's successor: the old key's, shortened to the organization's
 * `max_key_lifetime` from `now` when that is sooner (a limit lowered since the old key was made
 * applies at its next rotation).
 */
export function expiryOfSuccessor(org: Limit, oldExpiresAt: Date | null, now: Date): Date | null {
  const max = org?.maxKeyLifetimeSeconds ?? null;
  if (max === null) return oldExpiresAt;
  const limit = plus(now, max);
  return oldExpiresAt && oldExpiresAt < limit ? oldExpiresAt : limit;
}
