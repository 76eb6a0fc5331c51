import { domainOfEmail, normalizeDomain, verificationRecord } from '../../../src/sso/domain-names.js';

describe('domain names', () => {
  it('normalises a claimable domain: case, surrounding space, a trailing dot, internationalised names', () => {
    expect(normalizeDomain(' Acme.Example. ')).toEqual({ domain: 'acme.example' });
    expect(normalizeDomain('bücher.example')).toEqual({ domain: 'xn--bcher-kva.example' });
    expect(normalizeDomain('mail.eu.acme.example')).toEqual({ domain: 'mail.eu.acme.example' });
  });

  it('refuses what is not a domain: one label, IP addresses, bad labels, too long, not a string', () => {
    for (const bad of ['localhost', '10.0.0.1', '[::1]', '-acme.example', 'acme-.example', 'ac_me.example', 'acme..example',
      'a@acme.example', `${'a'.repeat(64)}.example`, `${'abc.'.repeat(64)}example`, '', 42, null]) {
      expect(normalizeDomain(bad)).toEqual({ problem: 'must be a domain name such as example.com' });
    }
  });

  it("takes an email's domain after its last @, lower-cased", () => {
    expect(domainOfEmail('Ada@Acme.Example')).toBe('acme.example');
    expect(domainOfEmail('"a@b"@acme.example')).toBe('acme.example');
    expect(domainOfEmail('nobody')).toBeNull();
    expect(domainOfEmail('nobody@')).toBeNull();
  });

  it('names the TXT record under _gatehouse-challenge and its value after gatehouse-domain-verification=', () => {
    expect(verificationRecord('acme.example', 'tok')).toEqual({
      name: '_gatehouse-challenge.acme.example', value: 'gatehouse-domain-verification=tok',
    });
  });
});
