import { sealContext as consoleSessionContext } from '../console/session/sessions.js';
import { totpSealContext } from '../accounts/totp.js';
import type { Secrets } from '../domain/secrets.js';
import { mailSealContext } from '../mail/mailer.js';
import { sealContext as ssoClientSecretContext } from '../sso/connections.js';
import { sealContext as clientContext } from '../oauth/clients.js';
import { sealContext as signingKeyContext } from '../oauth/signing-keys.js';
import { DIGEST_KINDS, SEALED_KINDS, type DigestKind, type SealedKind, type SealedValueStore } from '../store/ports.js';
import { secretSealContext as webhookContext } from '../webhooks/signing.js';

/** The additional data each kind of sealed value is sealed with (as its owner seals it). */
const CONTEXTS: Record<SealedKind, (id: string) => string> = {
  client_secret: clientContext,
  client_previous_secret: clientContext,
  signing_key: signingKeyContext,
  webhook_secret: webhookContext,
  webhook_previous_secret: webhookContext,
  totp_secret: totpSealContext,
  mail: mailSealContext,
  console_session: consoleSessionContext,
  sso_client_secret: ssoClientSecretContext,
};

/** What rewrap did with one kind of sealed value. */
export interface SealedCounts {
  /** already sealed with the current secret */
  current: number;
  /** re-sealed with the current secret (with `dryRun`: would be) */
  rewrapped: number;
  /** changed by someone else between the read and the compare-and-set (sealed anew by them): run rewrap again to check */
  changedMeanwhile: number;
  /** opens with no configured secret (sealed with a secret no longer configured, or altered) */
  unreadable: number;
}

/** Digests still in use of one kind, by the secret they depend on. */
export interface DigestCounts {
  current: number;
  /** one entry per GATEHOUSE_SECRET_PREVIOUS secret, in its order: how many depend on it */
  previous: { position: number; fingerprint: string; count: number }[];
  /** recording a secret no longer configured: these no longer verify */
  unknownSecret: number;
  /** stored before digests recorded their secret: verified under whichever secret made them */
  unrecorded: number;
}

export interface RewrapReport {
  dryRun: boolean;
  previousSecrets: number;
  sealed: Record<SealedKind, SealedCounts>;
  /** API keys, SCIM tokens and recovery codes: their plaintext is gone, so they are counted, not re-digested */
  digests: Record<DigestKind, DigestCounts>;
}

const PAGE = 200;

async function rewrapKind(store: SealedValueStore, secrets: Secrets, kind: SealedKind, dryRun: boolean): Promise<SealedCounts> {
  const counts: SealedCounts = { current: 0, rewrapped: 0, changedMeanwhile: 0, unreadable: 0 };
  const context = CONTEXTS[kind];
  for (let after: string | null = null; ;) {
    const page = await store.page(kind, after, PAGE);
    for (const { id, sealed } of page) {
      let opened;
      try {
        opened = secrets.open(sealed, context(id));
      } catch {
        counts.unreadable++;
        continue;
      }
      if (opened.current) counts.current++;
      else if (dryRun || (await store.replace(kind, id, sealed, secrets.seal(opened.plaintext, context(id))))) counts.rewrapped++;
      else counts.changedMeanwhile++;
    }
    if (page.length < PAGE) return counts;
    after = page[page.length - 1].id;
  }
}

function digestCounts(secrets: Secrets, byFingerprint: Record<string, number>): DigestCounts {
  const previous = secrets.previous.map((m, i) => ({ position: i + 1, fingerprint: m.fingerprint, count: byFingerprint[m.fingerprint] ?? 0 }));
  const known = new Set(secrets.all.map((m) => m.fingerprint));
  let unknownSecret = 0;
  for (const [fingerprint, count] of Object.entries(byFingerprint)) if (fingerprint && !known.has(fingerprint)) unknownSecret += count;
  return { current: byFingerprint[secrets.current.fingerprint] ?? 0, previous, unknownSecret, unrecorded: byFingerprint[''] ?? 0 };
}

/**
 * `gatehouse secrets rewrap`: re-seals every sealed value in the store with the current secret,
 * one compare-and-set per value (a concurrent write is never overwritten), and counts the
 * digests that still depend on each previous secret. Idempotent, so resumable: run it again
 * after an interruption and what is done already counts as `current`.
 */
export async function rewrapSecrets(deps: { store: SealedValueStore; secrets: Secrets; dryRun?: boolean; now?: Date }): Promise<RewrapReport> {
  const dryRun = deps.dryRun ?? false;
  const sealed = {} as Record<SealedKind, SealedCounts>;
  for (const kind of SEALED_KINDS) sealed[kind] = await rewrapKind(deps.store, deps.secrets, kind, dryRun);
  const digests = {} as Record<DigestKind, DigestCounts>;
  for (const kind of DIGEST_KINDS) digests[kind] = digestCounts(deps.secrets, await deps.store.countDigests(kind, deps.now ?? new Date()));
  return { dryRun, previousSecrets: deps.secrets.previous.length, sealed, digests };
}
