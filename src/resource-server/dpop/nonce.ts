import { hkdfSync } from 'node:crypto';

/** Seconds per nonce step; a nonce is accepted for two steps either side of now (as oidc-provider does). */
const STEP_SECONDS = 60;

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9): stateless values derived from a 32-byte secret
 * and the minute, HKDF-SHA256(secret, salt = the step as 8 bytes big-endian, info = `DPoP`),
 * base64url. This is oidc-provider's scheme, so with the same secret (Gatehouse derives both from
 * GATEHOUSE_SECRET) a nonce the token endpoint handed out is good here too, and the other way
 * round. Every instance with the secret agrees; nothing is stored.
 */
export class DpopNonces {
  private step = NaN;
  private values: string[] = [];

  constructor(private readonly secret: Buffer, private readonly nowSeconds: () => number = () => Date.now() / 1000) {
    if (secret.length !== 32) throw new TypeError('the DPoP nonce secret must be 32 bytes');
  }

  /** The nonce to hand out now (the next step's, so it stays valid for the longest). */
  next(): string {
    return this.window()[3];
  }

  /** Whether `nonce` is one of the current window's (constant time over the window). */
  check(nonce: string): boolean {
    let matched = 0;
    for (const value of this.window()) {
      let diff = value.length ^ nonce.length;
      for (let i = 0; i < value.length; i++) diff |= value.charCodeAt(i) ^ nonce.charCodeAt(i);
      matched |= diff === 0 ? 1 : 0;
    }
    return matched === 1;
  }

  private window(): string[] {
    const step = Math.floor(this.nowSeconds() / STEP_SECONDS);
    if (step !== this.step) {
      this.step = step;
      this.values = [step - 2, step - 1, step, step + 1, step + 2].map((s) => this.compute(s));
    }
    return this.values;
  }

  private compute(step: number): string {
    const salt = Buffer.alloc(8);
    salt.writeBigUInt64BE(BigInt(step));
    return Buffer.from(hkdfSync('sha256', this.secret, salt, 'DPoP', 32)).toString('base64url');
  }
}
