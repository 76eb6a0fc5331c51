import { randomBytes } from 'node:crypto';
import type { Secrets } from '../domain/secrets.js';
import type { RecoveryCodeStore } from '../store/ports.js';

const COUNT = 10;
/** Crockford's base32 without look-alikes: 10 characters = 50 bits a code. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const normalize = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * Recovery codes: ten single-use codes (`xxxxx-xxxxx`, 50 bits each) that stand in for a lost
 * authenticator. They are shown once; the store keeps an HMAC of each under a key derived from
 * GATEHOUSE_SECRET (a stolen database alone cannot test guesses), recording which secret, and
 * using one is a compare-and-set, so a code works once. Codes made under a previous secret
 * (GATEHOUSE_SECRET_PREVIOUS) still work: each configured secret's digest is tried, current first.
 */
export class RecoveryCodes {
  constructor(private readonly deps: { store: RecoveryCodeStore; secrets: Secrets; now?: () => Date }) {}

  /** A new set replacing the person's old one. @returns the codes, to show once */
  async generate(userId: string): Promise<string[]> {
    const codes = Array.from({ length: COUNT }, () => {
      const chars = Array.from(randomBytes(10), (b) => ALPHABET[b % 32]).join('');
      return `${chars.slice(0, 5)}-${chars.slice(5)}`;
    });
    await this.deps.store.replace(userId, codes.map((c) => this.deps.secrets.digest('recovery-codes', normalize(c))), (this.deps.now ?? (() => new Date()))());
    return codes;
  }

  /** Uses `code` if it is one of the person's unused codes. */
  async use(userId: string, code: unknown): Promise<boolean> {
    if (typeof code !== 'string' || normalize(code).length !== 10) return false;
    const at = (this.deps.now ?? (() => new Date()))();
    for (const digest of this.deps.secrets.digestCandidates('recovery-codes', normalize(code))) {
      if (await this.deps.store.consume(userId, digest, at)) return true;
    }
    return false;
  }

  remaining(userId: string): Promise<number> {
    return this.deps.store.countUnused(userId);
  }

  discard(userId: string): Promise<void> {
    return this.deps.store.deleteAll(userId);
  }
}
