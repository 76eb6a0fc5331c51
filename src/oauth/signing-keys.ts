import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Logger } from 'pino';
import type { Secrets } from '../domain/secrets.js';
import { UniqueViolation, type SigningKey, type Store } from '../store/ports.js';

export type SigningAlg = SigningKey['alg'];
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

const GENERATE: Record<SigningAlg, Parameters<typeof generateKeyPair>> = {
  RS256: ['RS256', { modulusLength: 2048, extractable: true }],
  ES256: ['ES256', { extractable: true }],
  EdDSA: ['EdDSA', { crv: 'Ed25519', extractable: true }],
};

export interface SigningKeyServiceOptions {
  store: Store;
  secrets: Secrets;
  logger: Logger;
  /** algorithm of the key generated at first start */
  defaultAlg: SigningAlg;
  /** longest lifetime of anything signed (access and ID tokens): a retired key stays this long in the JWKS */
  maxTokenLifetimeSeconds: number;
}

/** The additional data a signing key's private JWK is sealed with. */
export const sealContext = (kid: string) => `signing-key:${kid}`;
const CLOCK_SKEW_SECONDS = 60;
/** an unknown kid triggers at most one store read per this interval (forged kids cannot flood the store) */
const UNKNOWN_KID_REFRESH_MS = 5_000;

/**
 * The signing keys every instance shares through the store: the newest non-retired key signs,
 * retired keys stay in the JWKS until every token they signed has expired. `refresh()` reloads
 * the set (another instance may have rotated); listeners hear about every change of the set.
 */
export class SigningKeyService {
  private keys: SigningKey[] = [];
  private privateCache = new Map<string, JWK>();
  private publicSet: { keys: JWK[] } = { keys: [] };
  private fingerprint = '';
  private readonly listeners = new Set<() => void>();
  private lastUnknownKidRefresh = 0;

  constructor(private readonly options: SigningKeyServiceOptions) {}

  /** Loads the keys, generating the first one when the store has none that signs. */
  async init(): Promise<void> {
    await this.refresh();
    if (!this.active()) {
      await this.create(this.options.defaultAlg);
      await this.refresh();
    }
  }

  /** Reloads from the store and removes keys past `removeAfter`. @returns whether the set changed */
  async refresh(now = new Date()): Promise<boolean> {
    const all = await this.options.store.signingKeys.list();
    const expired = all.filter((k) => k.removeAfter && k.removeAfter <= now);
    for (const k of expired) await this.options.store.signingKeys.delete(k.kid);
    const keys = all.filter((k) => !expired.includes(k));
    const fingerprint = keys.map((k) => `${k.kid}:${k.retiredAt ? 'r' : 'a'}`).join(',');
    if (fingerprint === this.fingerprint) return false;
    this.keys = keys;
    this.fingerprint = fingerprint;
    const active = this.active();
    // the signing key first: oidc-provider signs with the first key matching the algorithm
    const ordered = active ? [active, ...keys.filter((k) => k !== active).reverse()] : [...keys].reverse();
    this.publicSet = { keys: ordered.map((k) => ({ ...(k.publicJwk as JWK), kid: k.kid, alg: k.alg, use: 'sig' })) };
    this.privateCache = new Map(ordered.map((k) => [k.kid, { ...this.unseal(k), kid: k.kid, alg: k.alg, use: 'sig' }]));
    for (const listener of this.listeners) listener();
    return true;
  }

  /**
   * For a token whose `kid` is not in the set: reloads the keys (another instance may have just
   * rotated), at most once per 5 s. @returns whether `kid` is known afterwards
   */
  async refreshForUnknownKid(kid: string): Promise<boolean> {
    if (this.has(kid)) return true;
    const now = Date.now();
    if (now - this.lastUnknownKidRefresh < UNKNOWN_KID_REFRESH_MS) return false;
    this.lastUnknownKidRefresh = now;
    await this.refresh();
    return this.has(kid);
  }

  /** A new active key; every older key is retired and leaves the JWKS after the longest token lifetime. */
  async rotate(alg: SigningAlg = this.active()?.alg ?? this.options.defaultAlg): Promise<{ kid: string; alg: SigningAlg }> {
    if (!SIGNING_ALGS.includes(alg)) throw new Error(`unsupported signing algorithm ${String(alg)}; use one of ${SIGNING_ALGS.join(', ')}`);
    await this.refresh();
    const created = await this.create(alg);
    const now = new Date();
    const removeAfter = new Date(now.getTime() + (this.options.maxTokenLifetimeSeconds + CLOCK_SKEW_SECONDS) * 1000);
    for (const k of this.keys) {
      if (!k.retiredAt && k.kid !== created.kid) await this.options.store.signingKeys.update(k.kid, { retiredAt: now, removeAfter });
    }
    await this.refresh();
    this.options.logger.info({ kid: created.kid, alg }, 'signing key rotated');
    return created;
  }

  /** The key that signs: the newest one not retired. */
  active(): SigningKey | undefined {
    return this.keys.filter((k) => !k.retiredAt).at(-1);
  }

  /** Whether `kid` is in the current set (verify-able). */
  has(kid: string): boolean {
    return this.privateCache.has(kid);
  }

  /** Public keys of every key not yet removed, signing key first. Cached between changes. */
  publicJwks(): { keys: JWK[] } {
    return this.publicSet;
  }

  /** Private keys for the provider's keystore, signing key first. */
  privateJwks(): { keys: JWK[] } {
    return { keys: [...this.privateCache.values()].map((k) => ({ ...k })) };
  }

  /** Called after every change of the key set. @returns an unsubscribe function */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private unseal(key: SigningKey): JWK {
    try {
      return JSON.parse(this.options.secrets.unseal(key.sealedPrivateJwk, sealContext(key.kid))) as JWK;
    } catch {
      throw new Error(`cannot unseal signing key ${key.kid}: neither GATEHOUSE_SECRET nor GATEHOUSE_SECRET_PREVIOUS is the secret that sealed it`);
    }
  }

  private async create(alg: SigningAlg): Promise<{ kid: string; alg: SigningAlg }> {
    const { privateKey, publicKey } = await generateKeyPair(...GENERATE[alg]);
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    try {
      await this.options.store.signingKeys.create({
        kid, alg, publicJwk: { ...publicJwk }, sealedPrivateJwk: this.options.secrets.seal(JSON.stringify(privateJwk), sealContext(kid)),
        createdAt: new Date(), retiredAt: null, removeAfter: null,
      });
    } catch (err) {
      if (!(err instanceof UniqueViolation)) throw err;
    }
    return { kid, alg };
  }
}
