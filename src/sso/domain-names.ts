import { domainToASCII } from 'node:url';

/** The DNS name whose TXT record proves control of `domain`, and the value it must hold. */
export function verificationRecord(domain: string, token: string): { name: string; value: string } {
  return { name: `_gatehouse-challenge.${domain}`, value: `gatehouse-domain-verification=${token}` };
}

/** The domain of an email address (after its last `@`), lower-case; null when there is none. */
export function domainOfEmail(email: string): string | null {
  const at = email.lastIndexOf('@');
  const domain = at < 0 ? '' : email.slice(at + 1).trim().toLowerCase();
  return domain ? domain : null;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A domain as an organization may claim it: trimmed, lower-cased, without a trailing dot,
 * internationalised names in their ASCII (IDNA) form; at least two labels, the last not numeric
 * (so never an IP address). @returns the normalised domain, or the problem in words
 */
export function normalizeDomain(input: unknown): { domain: string } | { problem: string } {
  const form = 'must be a domain name such as example.com';
  if (typeof input !== 'string' || input.length > 253) return { problem: form };
  const ascii = domainToASCII(input.trim().toLowerCase().replace(/\.$/, ''));
  const labels = ascii.split('.');
  if (!ascii || ascii.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return { problem: form };
  if (/^\d+$/.test(labels[labels.length - 1])) return { problem: form };
  return { domain: ascii };
}
