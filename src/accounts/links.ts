import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../domain/ids.js';
import type { AccountToken, AccountTokenKind, AccountTokenStore } from '../store/ports.js';

/** SPEC §7: a verification link works for 24 hours, a password-reset link for 30 minutes; a WebAuthn ceremony for 5. */
export const TOKEN_TTL_MS: Record<AccountTokenKind, number> = {
  email_verification: 24 * 3_600_000,
  password_reset: 30 * 60_000,
  webauthn_registration: 5 * 60_000,
  webauthn_authentication: 5 * 60_000,
};

/** 256 random bits, base64url: the form of every link token and WebAuthn challenge we make. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** How a token is stored: its SHA-256 (the token has 256 random bits, so no key or slow hash is needed). */
export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('base64url');

export interface IssueOptions {
  userId: string | null;
  /** what else the token belongs to (a sign-in interaction), checked on use */
  binding?: string | null;
}

/**
 * Single-use, short-lived account tokens: mailed links and WebAuthn challenges. The token leaves
 * in the mail (or in the ceremony's options) and only its digest is stored; using it is a
 * compare-and-set, so a link or a challenge works exactly once.
 */
export class AccountLinks {
  constructor(private readonly store: AccountTokenStore, private readonly now: () => Date = () => new Date()) {}

  /** Makes a token of `kind`; `token` is given for a challenge made elsewhere (it must have the same form). @returns the token */
  async issue(kind: AccountTokenKind, options: IssueOptions, token = randomBytes(32).toString('base64url')): Promise<{ token: string; expiresAt: Date }> {
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + TOKEN_TTL_MS[kind]);
    await this.store.create({
      id: newId('tok'), kind, userId: options.userId, digest: tokenDigest(token), binding: options.binding ?? null,
      createdAt, expiresAt, usedAt: null,
    });
    return { token, expiresAt };
  }

  /** The usable token of `kind` (unused, unexpired), without using it; null otherwise. */
  async open(kind: AccountTokenKind, token: unknown): Promise<AccountToken | null> {
    if (typeof token !== 'string' || !TOKEN.test(token)) return null;
    const found = await this.store.findByDigest(tokenDigest(token));
    return found && found.kind === kind && !found.usedAt && found.expiresAt > this.now() ? found : null;
  }

  /** Uses the token of `kind` (once, whoever else tries at the same time). @returns it, or null when it was not usable */
  async use(kind: AccountTokenKind, token: unknown): Promise<AccountToken | null> {
    // checked before the compare-and-set, so a token of another kind is never spent by the wrong page
    if (!(await this.open(kind, token))) return null;
    return this.store.consume(tokenDigest(token as string), this.now());
  }

  /** Every unused token of this kind of the person stops working (a newer link, a changed password). */
  async revokeAll(userId: string, kind: AccountTokenKind): Promise<void> {
    await this.store.revokeAll(userId, kind, this.now());
  }
}
