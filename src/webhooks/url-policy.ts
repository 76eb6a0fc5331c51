import { isIP } from 'node:net';
import { anyAddress, isPublicAddress } from '../net/outbound.js';

/** The longest endpoint URL accepted. */
export const MAX_URL_LENGTH = 2048;

const PRIVATE_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/**
 * Why a webhook URL is refused, or null when it is acceptable. https only, unless the operator
 * allows private networks (`webhooks.allowPrivateNetworks`: http too, and private addresses); no
 * credentials in the URL; no host that is plainly private. This is early feedback: the address a
 * name resolves to is checked again at every delivery, when the socket connects.
 */
export function endpointUrlProblem(raw: string, allowPrivateNetworks: boolean): string | null {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  const url = URL.parse(raw);
  if (!url || !url.hostname) return 'must be an absolute URL';
  if (url.protocol !== 'https:' && !(allowPrivateNetworks && url.protocol === 'http:')) {
    return allowPrivateNetworks ? 'must be an http(s) URL' : 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment';
  if (allowPrivateNetworks) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if ((isIP(host) && !isPublicAddress(host)) || PRIVATE_NAMES.test(host)) {
    return 'must not point at a private, loopback or link-local address';
  }
  return null;
}

/** Which resolved addresses deliveries may connect to. */
export const addressPolicy = (allowPrivateNetworks: boolean): ((address: string) => boolean) =>
  (allowPrivateNetworks ? anyAddress : isPublicAddress);

/** A URL as logs and the audit log show it: origin and path, never the query (it may hold a token). */
export function urlForLogs(raw: string): string {
  const url = URL.parse(raw);
  return url ? `${url.origin}${url.pathname}` : '(invalid URL)';
}
