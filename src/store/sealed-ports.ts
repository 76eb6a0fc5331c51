/**
 * The store port of `gatehouse secrets rewrap`: every value sealed with GATEHOUSE_SECRET, by
 * kind, and the keyed digests that record which secret made them. Re-exported by `ports.ts`.
 */

/** Where a sealed value lives (one column or field each). */
export const SEALED_KINDS = [
  'client_secret', 'client_previous_secret', 'signing_key', 'webhook_secret', 'webhook_previous_secret',
  'totp_secret', 'mail', 'console_session', 'sso_client_secret',
] as const;
export type SealedKind = (typeof SEALED_KINDS)[number];

/** Keyed digests whose plaintext is gone (they cannot be re-digested, only counted). */
export const DIGEST_KINDS = ['api_key', 'scim_token', 'recovery_code'] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

/** One sealed value and the id of the row or document holding it. */
export interface SealedValue {
  id: string;
  sealed: string;
}

export interface SealedValueStore {
  /** Up to `limit` non-empty sealed values of `kind` with id greater than `after`, in id order (resumable paging). */
  page(kind: SealedKind, after: string | null, limit: number): Promise<SealedValue[]>;
  /** Replaces the sealed value only while it is still `expected` (compare-and-set). @returns whether it did */
  replace(kind: SealedKind, id: string, expected: string, next: string): Promise<boolean>;
  /**
   * The digests still in use (API keys and SCIM tokens neither revoked nor expired at `now`,
   * recovery codes unused), counted by the fingerprint each records (`<fingerprint>.<hmac>`;
   * '' for a bare digest from before digests recorded their secret).
   */
  countDigests(kind: DigestKind, now: Date): Promise<Record<string, number>>;
}
