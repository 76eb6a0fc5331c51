import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** What a derived key is for; each purpose gets an independent key from GATEHOUSE_SECRET. */
export type KeyPurpose = 'api-key-tag' | 'api-key-digest' | 'seal' | 'cookies' | 'csrf' | 'introspection-cache' | 'oidc-ids'
  | 'console-client' | 'console-session' | 'dpop-nonce' | 'recovery-codes' | 'scim-token-tag' | 'scim-token-digest';

function masterBytes(masterBase64url: string, name: string): Buffer {
  const master = Buffer.from(masterBase64url, 'base64url');
  if (master.length < 32) throw new Error(`${name} must hold at least 32 bytes`);
  return master;
}

/**
 * One master secret: its derived keys (HKDF-SHA-256, one `info` per purpose) and its public
 * one-byte id, which API keys carry so the secret that minted them is found without trying others.
 */
export class MasterKey {
  /** 0–255, derived from the secret (it reveals nothing of it); two secrets may share one */
  readonly id: number;
  /**
   * 8 base64url characters (48 bits) derived from the secret, public like `id` but long enough to
   * tell secrets apart: stored digests record it, and `gatehouse secrets rewrap` reports by it.
   */
  readonly fingerprint: string;
  private readonly cache = new Map<KeyPurpose, Buffer>();

  constructor(private readonly master: Buffer) {
    this.id = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'gatehouse:secret-id', 1))[0];
    this.fingerprint = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'gatehouse:secret-fingerprint', 6)).toString('base64url');
  }

  /** The keyed digest of `input` for `purpose`, recording this secret: `<fingerprint>.<HMAC-SHA-256, base64url>`. */
  digest(purpose: KeyPurpose, input: string): string {
    return `${this.fingerprint}.${this.bareDigest(purpose, input)}`;
  }

  /** The digest without the fingerprint, as stored before digests recorded their secret. */
  bareDigest(purpose: KeyPurpose, input: string): string {
    return createHmac('sha256', this.key(purpose)).update(input).digest('base64url');
  }

  key(purpose: KeyPurpose): Buffer {
    let key = this.cache.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `gatehouse:${purpose}`, 32));
      this.cache.set(purpose, key);
    }
    return key;
  }
}

/** The fingerprint a stored digest records (`<fingerprint>.<hmac>`), or null for a bare digest from before. */
export function fingerprintOf(storedDigest: string): string | null {
  const dot = storedDigest.indexOf('.');
  return dot > 0 ? storedDigest.slice(0, dot) : null;
}

/** What `open` found in a sealed value. */
export interface Opened {
  plaintext: string;
  /** sealed with the current secret (false: a previous one, so `gatehouse secrets rewrap` would re-seal it) */
  current: boolean;
}

/**
 * The master secrets: the current one (`GATEHOUSE_SECRET`), which mints, seals and signs, and the
 * previous ones (`GATEHOUSE_SECRET_PREVIOUS`), still accepted to open and verify while values made
 * with them are re-sealed or rotated. Sealing is AES-256-GCM, `v1.<iv>.<ciphertext>.<tag>` in
 * base64url, with the value's context as additional data.
 */
export class Secrets {
  readonly current: MasterKey;
  readonly previous: readonly MasterKey[];
  /** current first */
  readonly all: readonly MasterKey[];
  private readonly byId: MasterKey[][] = Array.from({ length: 256 }, () => []);

  constructor(currentBase64url: string, previousBase64url: readonly string[] = []) {
    this.current = new MasterKey(masterBytes(currentBase64url, 'GATEHOUSE_SECRET'));
    this.previous = previousBase64url.filter((p) => p !== currentBase64url)
      .map((p) => new MasterKey(masterBytes(p, 'GATEHOUSE_SECRET_PREVIOUS')));
    this.all = [this.current, ...this.previous];
    for (const master of this.all) this.byId[master.id].push(master);
  }

  /** The current secret's key for `purpose`: what mints, signs and seals. */
  key(purpose: KeyPurpose): Buffer {
    return this.current.key(purpose);
  }

  /** Every secret's key for `purpose`, current first: what verifies. */
  keys(purpose: KeyPurpose): Buffer[] {
    return this.all.map((m) => m.key(purpose));
  }

  /** The current secret's digest of `input` (see {@link MasterKey.digest}): what is stored. */
  digest(purpose: KeyPurpose, input: string): string {
    return this.current.digest(purpose, input);
  }

  /**
   * Every form a stored digest of `input` may have, current secret first: recorded under each
   * configured secret, then bare (digests stored before they recorded their secret). What a
   * lookup by digest tries, in order.
   */
  digestCandidates(purpose: KeyPurpose, input: string): string[] {
    return [...this.all.map((m) => m.digest(purpose, input)), ...this.all.map((m) => m.bareDigest(purpose, input))];
  }

  /** The configured secret a fingerprint names, or undefined. */
  withFingerprint(fingerprint: string): MasterKey | undefined {
    return this.all.find((m) => m.fingerprint === fingerprint);
  }

  /** The secrets whose public id is `id` (usually none or one). */
  withId(id: number): readonly MasterKey[] {
    return this.byId[id] ?? [];
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key('seal'), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** @throws when the sealed value was altered, sealed for another context or with no secret known here */
  unseal(sealed: string, context: string): string {
    return this.open(sealed, context).plaintext;
  }

  /** Opens a sealed value with the current secret, else a previous one. @throws as `unseal` */
  open(sealed: string, context: string): Opened {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed value');
    for (const master of this.all) {
      const decipher = createDecipheriv('aes-256-gcm', master.key('seal'), Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
        return { plaintext, current: master === this.current };
      } catch {
        // another secret's, or altered: try the next
      }
    }
    throw new Error('the sealed value does not open with any configured secret (altered, another context, or an unknown secret)');
  }
}
