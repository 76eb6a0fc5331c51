import { Resolver } from 'node:dns/promises';

/** What the DNS said about a domain's verification record. */
export type DnsCheck =
  | { ok: true }
  /** `absent`: no such TXT record; `mismatch`: TXT records, none with the value; `unreachable`: DNS did not answer */
  | { ok: false; reason: 'absent' | 'mismatch' | 'unreachable'; detail: string };

const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/**
 * Looks for a TXT record holding an exact value, through the configured DNS servers
 * (`sso.dnsServers`; none: the system's resolver), each query bounded by `sso.dnsTimeoutMs`.
 */
export class DomainDnsCheck {
  constructor(private readonly settings: { servers: readonly string[]; timeoutMs: number }) {}

  async check(name: string, value: string): Promise<DnsCheck> {
    const resolver = new Resolver({ timeout: this.settings.timeoutMs, tries: 2 });
    if (this.settings.servers.length) resolver.setServers([...this.settings.servers]);
    let records: string[][];
    try {
      records = await resolver.resolveTxt(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
      if (ABSENT.has(code)) return { ok: false, reason: 'absent', detail: `no TXT record at ${name}` };
      return { ok: false, reason: 'unreachable', detail: `DNS could not be queried for ${name} (${code})` };
    }
    // a long TXT value arrives in 255-byte strings: they are one value again
    if (records.some((chunks) => chunks.join('') === value)) return { ok: true };
    return { ok: false, reason: 'mismatch', detail: `the TXT records at ${name} do not hold the expected value` };
  }
}
