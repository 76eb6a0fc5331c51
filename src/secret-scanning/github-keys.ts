import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { anyAddress, outboundRequest } from '../net/outbound.js';

/** One of GitHub's secret-scanning public keys, as GitHub publishes them. */
export interface GitHubPublicKey {
  /** `key_identifier`: what a request names in `Github-Public-Key-Identifier` */
  keyIdentifier: string;
  /** `key`: the PEM of an ECDSA P-256 public key */
  key: string;
}

export interface GitHubKeyringOptions {
  /** the keys the operator pasted from GitHub's list */
  configured: readonly GitHubPublicKey[];
  /** also fetch GitHub's list from `keysUrl` (through the outbound guard), when a request names a key not known yet */
  fetch?: { url: string; refreshSeconds: number; allowPrivateNetworks: boolean; timeoutMs: number } | null;
  now?: () => number;
}

export type SignatureCheck = 'ok' | 'unknown_key' | 'bad_signature';

/** The PEM as a P-256 key. @throws when it is not one */
export function p256PublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not an ECDSA P-256 public key');
  return key;
}

const MAX_LIST_BYTES = 64 * 1024;

/**
 * GitHub's secret-scanning signing keys: a request's body is signed with ECDSA P-256 / SHA-256
 * (DER signature, base64, in `Github-Public-Key-Signature`) by the key named in
 * `Github-Public-Key-Identifier`. Configured keys always count; fetched ones (optional) are
 * refreshed at most once per `refreshSeconds`, so a flood of requests naming unknown keys makes at
 * most that many fetches.
 */
export class GitHubKeyring {
  private readonly configured = new Map<string, KeyObject>();
  private fetched = new Map<string, KeyObject>();
  private fetchedAt = -Infinity;
  private inFlight: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: GitHubKeyringOptions) {
    for (const k of options.configured) this.configured.set(k.keyIdentifier, p256PublicKey(k.key));
    this.now = options.now ?? Date.now;
  }

  /** Whether `signature` is a valid signature of `body` by the key `keyIdentifier` names. */
  async check(body: Buffer, keyIdentifier: string, signature: string): Promise<SignatureCheck> {
    let key = this.configured.get(keyIdentifier) ?? this.fetched.get(keyIdentifier);
    if (!key && this.options.fetch) {
      await this.refresh();
      key = this.fetched.get(keyIdentifier);
    }
    if (!key) return 'unknown_key';
    const der = Buffer.from(signature, 'base64');
    if (der.length === 0 || der.length > 80) return 'bad_signature';
    try {
      return verify('sha256', body, { key, dsaEncoding: 'der' }, der) ? 'ok' : 'bad_signature';
    } catch {
      return 'bad_signature';
    }
  }

  private refresh(): Promise<void> {
    const fetch = this.options.fetch!;
    if (this.now() - this.fetchedAt < fetch.refreshSeconds * 1000) return Promise.resolve();
    this.inFlight ??= this.load(fetch).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async load(fetch: NonNullable<GitHubKeyringOptions['fetch']>): Promise<void> {
    this.fetchedAt = this.now();
    const res = await outboundRequest({
      url: fetch.url, method: 'GET', headers: { accept: 'application/json' }, timeoutMs: fetch.timeoutMs,
      maxResponseBytes: MAX_LIST_BYTES, allowed: fetch.allowPrivateNetworks ? anyAddress : undefined,
    }).catch(() => null);
    if (!res || res.status !== 200) return;
    const keys = new Map<string, KeyObject>();
    try {
      const list = (JSON.parse(res.body.toString('utf8')) as { public_keys?: unknown }).public_keys;
      for (const entry of Array.isArray(list) ? list : []) {
        const { key_identifier: id, key } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
        if (typeof id === 'string' && typeof key === 'string') keys.set(id, p256PublicKey(key));
      }
    } catch {
      return; // a malformed list changes nothing: the keys fetched before stay
    }
    this.fetched = keys;
  }
}
