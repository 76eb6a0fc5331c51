import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What a derived key is for; each purpose gets an independent key from GATEHOUSE_SECRET. */
export type KeyPurpose = 'api-key-tag' | 'api-key-digest' | 'seal' | 'cookies' | 'csrf' | 'introspection-cache' | 'oidc-ids'
  | 'console-client' | 'console-session' | 'dpop-nonce' | 'recovery-codes' | 'scim-token-tag' | 'scim-token-digest';

/**
 * Keys derived from the master secret (HKDF-SHA-256, one `info` per purpose), and sealing of
 * secrets kept in the store (AES-256-GCM, `v1.<iv>.<ciphertext>.<tag>` in base64url).
 */
export class Secrets {
  private readonly master: Buffer;
  private readonly cache = new Map<KeyPurpose, Buffer>();

  constructor(masterBase64url: string) {
    this.master = Buffer.from(masterBase64url, 'base64url');
    if (this.master.length < 32) throw new Error('GATEHOUSE_SECRET must hold at least 32 bytes');
  }

  key(purpose: KeyPurpose): Buffer {
    let key = this.cache.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `gatehouse:${purpose}`, 32));
      this.cache.set(purpose, key);
    }
    return key;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key('seal'), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** @throws when the sealed value was altered, sealed for another context or with another secret */
  unseal(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key('seal'), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
