import { generateSecret, generateURI, verify } from 'otplib';
import { newId } from '../domain/ids.js';
import type { Secrets } from '../domain/secrets.js';
import type { Factor, FactorStore } from '../store/ports.js';

/** The additional data a TOTP factor's shared secret is sealed with. */
export const totpSealContext = (factorId: string): string => `totp:${factorId}`;

/** A pending enrolment is confirmed within this long, or started again. */
export const TOTP_ENROLMENT_TTL_MS = 15 * 60_000;
/** One period either side: a phone whose clock is up to 30 s off still works (RFC 6238 §5.2). */
const TOLERANCE_SECONDS = 30;
const CODE = /^\d{6}$/;

/** A code as typed: spaces and dashes dropped. */
export const normalizeCode = (code: unknown): string => (typeof code === 'string' ? code.replace(/[\s-]/g, '') : '');

export interface TotpEnrolment {
  factor: Factor;
  /** base32, for typing into the app; shown once */
  secret: string;
  /** `otpauth://totp/…`, for a QR code; shown once */
  uri: string;
}

/**
 * Authenticator apps (TOTP, RFC 6238, 6 digits every 30 s). The shared secret is sealed with
 * GATEHOUSE_SECRET in the store and shown only while enrolling. A code is accepted once: the
 * factor keeps the last time step used, and moving it forward is a compare-and-set, so a code
 * replayed within its step (or raced in parallel) is refused.
 */
export class Totp {
  constructor(private readonly deps: {
    factors: FactorStore; secrets: Secrets; displayName: string; now?: () => Date;
  }) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private secretOf(factor: Factor): string {
    return this.deps.secrets.unseal(factor.sealedSecret ?? '', totpSealContext(factor.id));
  }

  /** The time step `code` belongs to, when it is valid for `factor` and newer than its last one; else null. */
  private async stepOf(factor: Factor, code: unknown): Promise<number | null> {
    const token = normalizeCode(code);
    if (!CODE.test(token)) return null;
    const result = await verify({
      secret: this.secretOf(factor), token, epochTolerance: TOLERANCE_SECONDS, afterTimeStep: factor.counter,
      epoch: Math.floor(this.now().getTime() / 1000),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** Starts an enrolment: a pending factor with a new secret (the person's earlier pending one goes). */
  async start(user: { id: string; email: string }, name = 'Authenticator app'): Promise<TotpEnrolment> {
    await this.deps.factors.deletePending(user.id, 'totp');
    const secret = generateSecret();
    const id = newId('mfa');
    const factor: Factor = {
      id, userId: user.id, type: 'totp', name, sealedSecret: this.deps.secrets.seal(secret, totpSealContext(id)), credentialId: null,
      publicKey: null, transports: [], counter: 0, confirmedAt: null, createdAt: this.now(), lastUsedAt: null,
    };
    await this.deps.factors.create(factor);
    return { factor, secret, uri: generateURI({ issuer: this.deps.displayName, label: user.email, secret }) };
  }

  /** A pending enrolment shown again (after a wrong first code); null when unknown, confirmed or expired. */
  async reopen(user: { id: string; email: string }, factorId: unknown): Promise<TotpEnrolment | null> {
    const factor = typeof factorId === 'string' ? await this.deps.factors.findById(user.id, factorId) : null;
    if (!factor || factor.type !== 'totp' || factor.confirmedAt || this.expired(factor)) return null;
    const secret = this.secretOf(factor);
    return { factor, secret, uri: generateURI({ issuer: this.deps.displayName, label: user.email, secret }) };
  }

  private expired(factor: Factor): boolean {
    return this.now().getTime() - factor.createdAt.getTime() > TOTP_ENROLMENT_TTL_MS;
  }

  /** Confirms a pending enrolment with a first code. @returns the confirmed factor, or null (wrong code, unknown, expired) */
  async confirm(userId: string, factorId: unknown, code: unknown): Promise<Factor | null> {
    const factor = typeof factorId === 'string' ? await this.deps.factors.findById(userId, factorId) : null;
    if (!factor || factor.type !== 'totp' || factor.confirmedAt || this.expired(factor)) return null;
    const step = await this.stepOf(factor, code);
    if (step === null || !(await this.deps.factors.confirm(userId, factor.id, step, this.now()))) return null;
    return this.deps.factors.findById(userId, factor.id);
  }

  /** Whether `code` is a fresh code of one of the person's confirmed apps (it is then spent). */
  async check(factors: Factor[], code: unknown): Promise<boolean> {
    for (const factor of factors) {
      if (factor.type !== 'totp' || !factor.confirmedAt) continue;
      const step = await this.stepOf(factor, code);
      if (step !== null) return this.deps.factors.advance(factor.id, factor.counter, step, this.now());
    }
    return false;
  }
}
