import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

// records are cached and shared, so their allowlists are parsed once per list, not per request
const parsedLists = new WeakMap<readonly string[], Range[]>();

function parseList(cidrs: readonly string[]): Range[] {
  let ranges = parsedLists.get(cidrs);
  if (!ranges) {
    ranges = [];
    for (const cidr of cidrs) {
      try {
        ranges.push(cidr.includes('/') ? ipaddr.parseCIDR(cidr) : [ipaddr.process(cidr), ipaddr.process(cidr).kind() === 'ipv4' ? 32 : 128]);
      } catch {
        // an unparseable entry allows nothing (validation at creation should have refused it)
      }
    }
    parsedLists.set(cidrs, ranges);
  }
  return ranges;
}

/**
 * Whether `ip` (as Koa's `ctx.ip` gives it, which honours the trusted proxy hops) lies in one
 * of the CIDRs. An empty list allows every address. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`)
 * are matched as the IPv4 address they carry.
 */
export function ipAllowed(ip: string, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  for (const [range, bits] of parseList(cidrs)) {
    if (range.kind() === address.kind() && address.match(range, bits)) return true;
  }
  return false;
}
