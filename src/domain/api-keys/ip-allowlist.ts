import ipaddr from 'ipaddr.js';

/** Most CIDRs one key may list. */
export const MAX_ALLOWLIST_ENTRIES = 50;

export type CidrResult = { ok: true; cidr: string } | { ok: false; message: string };

/**
 * Validates one allowlist entry (IPv4 or IPv6 CIDR, or a bare address meaning /32 or /128) and
 * returns it in canonical form: the network address and prefix, e.g. `10.1.2.3/8` → `10.0.0.0/8`.
 */
export function normalizeCidr(entry: string): CidrResult {
  const text = entry.trim();
  const withPrefix = text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(withPrefix)) {
    const [, bits] = ipaddr.IPv4.parseCIDR(withPrefix);
    return { ok: true, cidr: `${ipaddr.IPv4.networkAddressFromCIDR(withPrefix).toString()}/${bits}` };
  }
  if (ipaddr.IPv6.isValidCIDR(withPrefix) && !/%/.test(withPrefix)) {
    const [, bits] = ipaddr.IPv6.parseCIDR(withPrefix);
    return { ok: true, cidr: `${ipaddr.IPv6.networkAddressFromCIDR(withPrefix).toString()}/${bits}` };
  }
  return { ok: false, message: `"${text.slice(0, 60)}" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/8 or 2001:db8::/32)` };
}
