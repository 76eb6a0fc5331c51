/** Hosts for which plain http is tolerated (a developer's machine, RFC 8252 loopback). */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a redirect URI (or post-logout redirect URI) is unacceptable, or null when it is fine:
 * absolute https, or http only for loopback hosts; never a fragment (RFC 6749 §3.1.2), never
 * user info.
 */
export function redirectUriProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return 'must be an absolute https URL (http only for localhost)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https URL (http only for localhost)';
  }
  if (value.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? null : 'must use https (http is allowed only for localhost and 127.0.0.1)';
  return 'must be an absolute https URL (http only for localhost)';
}
