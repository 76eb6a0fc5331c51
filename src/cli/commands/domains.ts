import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import type { Gatehouse } from '../../gatehouse.js';
import { domainToJson } from '../../sso/serialize.js';
import type { DomainVerificationMethod } from '../../store/ports.js';
import type { CliKit } from '../kit.js';

type Claim = ReturnType<typeof domainToJson>;

/**
 * `gatehouse domains list --org <slug>`, `gatehouse domains verify <domain> --org <slug>` (its DNS
 * TXT record checked), `gatehouse domains approve <domain> --org <slug>` (the operator's word,
 * when DNS cannot be queried from here): an organization claims a domain over the API; only the
 * operator verifies it.
 */
export function register(program: Command, { run, org }: CliKit): void {
  const domains = program.command('domains').description('email domains organizations claim for single sign-on');

  domains.command('list')
    .description("an organization's domain claims, newest first, with the TXT record each must publish")
    .requiredOption('--org <slug>', 'organization slug or id')
    .action(run(async (gh, opts: { org: string }) => {
      const organization = await org(gh, opts.org);
      const page = await gh.sso.domains.list(OPERATOR, organization.id, { limit: 200 });
      return { data: page.items.map(domainToJson), next_cursor: page.nextCursor };
    }, {
      human: (r) => r.data.map((d) => `${d.domain}  ${d.status}  TXT ${d.verification.name} "${d.verification.value}"`).join('\n') || 'no domains claimed',
    }));

  const verifyWith = (method: DomainVerificationMethod) => run(async (gh: Gatehouse, opts: { org: string }, { args: [domain] }) => {
    const organization = await org(gh, opts.org);
    return domainToJson(await gh.sso.domains.verify(OPERATOR, organization.id, domain, method));
  }, { human: (d: Claim) => `${d.domain} is verified for ${d.organization} (${d.verified_by})` });

  domains.command('verify <domain>')
    .description("verify an organization's claim by finding its TXT record in DNS (sso.dnsServers, or the system's resolver)")
    .requiredOption('--org <slug>', 'organization slug or id')
    .action(verifyWith('dns'));

  domains.command('approve <domain>')
    .description("verify an organization's claim on your word, having checked by other means that it controls the domain")
    .requiredOption('--org <slug>', 'organization slug or id')
    .action(verifyWith('operator'));
}
