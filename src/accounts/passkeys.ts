import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { newId } from '../domain/ids.js';
import { UniqueViolation, type AccountToken, type AccountTokenKind, type Factor, type FactorStore, type User } from '../store/ports.js';
import type { AccountLinks } from './links.js';

/** Why a ceremony's answer was refused (for the caller's message and metrics; never shown in detail). */
export type PasskeyFailure = 'malformed' | 'challenge' | 'unknown_credential' | 'wrong_person' | 'signature' | 'replayed' | 'already_registered';

export type PasskeyOutcome = { ok: true; factor: Factor } | { ok: false; reason: PasskeyFailure };

/** Where a ceremony happens: the person it is for (null: a passkey sign-in, anyone), and the sign-in it belongs to. */
export interface Ceremony {
  userId: string | null;
  binding: string | null;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const isText = (v: unknown, max = 65_536): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && B64URL.test(v);

/** The browser's answer (the JSON a page posts, or the object an API body holds); null unless it has the shape of one. */
function parseCredential(json: unknown, fields: string[]): Record<string, any> | null {
  let value: any;
  try {
    value = typeof json === 'string' ? (json.length <= 100_000 ? JSON.parse(json) : null) : structuredClone(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || value.type !== 'public-key' || !isText(value.id, 1024) || !isText(value.rawId, 1024)) return null;
  if (!value.response || typeof value.response !== 'object' || !fields.every((f) => isText(value.response[f]))) return null;
  value.clientExtensionResults = typeof value.clientExtensionResults === 'object' && value.clientExtensionResults ? value.clientExtensionResults : {};
  return value;
}

/** The challenge the browser signed, read from its client data. */
function challengeOf(response: Record<string, any>): string | null {
  try {
    const client = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'));
    return typeof client.challenge === 'string' ? client.challenge : null;
  } catch {
    return null;
  }
}

/**
 * Passkeys (WebAuthn, @simplewebauthn/server): registration and sign-in ceremonies for the
 * issuer's origin (RP ID = its host name). Every challenge is made here, stored as a digest,
 * single-use and short-lived (5 minutes), bound to the person and to the sign-in interaction it
 * belongs to; user verification is required (a passkey is then two factors in one). The
 * signature counter moves forward by compare-and-set, so a replayed or cloned assertion fails.
 */
export class Passkeys {
  readonly rpId: string;
  readonly origin: string;

  constructor(private readonly deps: { factors: FactorStore; links: AccountLinks; issuer: string; displayName: string; now?: () => Date }) {
    const url = new URL(deps.issuer);
    this.rpId = url.hostname;
    this.origin = url.origin;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private async passkeysOf(userId: string): Promise<Factor[]> {
    return (await this.deps.factors.listByUser(userId)).filter((f) => f.type === 'passkey' && f.confirmedAt);
  }

  /**
   * A new challenge, stored as a token of `kind`. Given to the library as bytes: it encodes them
   * base64url into the options, which is then exactly the token stored (a string would be taken
   * as UTF-8 text and encoded again).
   */
  private async challenge(kind: AccountTokenKind, ceremony: Ceremony): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = randomBytes(32);
    await this.deps.links.issue(kind, ceremony, bytes.toString('base64url'));
    return Uint8Array.from(bytes);
  }

  /** Spends the stored challenge the answer signed, if it is one of ours for this ceremony. */
  private async spend(kind: AccountTokenKind, response: Record<string, any>, ceremony: Ceremony): Promise<{ challenge: string; token: AccountToken } | null> {
    const challenge = challengeOf(response);
    const token = challenge ? await this.deps.links.open(kind, challenge) : null;
    if (!token || token.binding !== ceremony.binding || (ceremony.userId !== null && token.userId !== ceremony.userId)) return null;
    const spent = await this.deps.links.use(kind, challenge);
    return spent ? { challenge: challenge!, token: spent } : null;
  }

  /** Options for `navigator.credentials.create`: a discoverable credential with user verification, none the person has already. */
  async registrationOptions(user: Pick<User, 'id' | 'email' | 'name'>, binding: string | null): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const challenge = await this.challenge('webauthn_registration', { userId: user.id, binding });
    return generateRegistrationOptions({
      rpName: this.deps.displayName, rpID: this.rpId, userName: user.email, userDisplayName: user.name ?? user.email,
      userID: new TextEncoder().encode(user.id), challenge, attestationType: 'none', timeout: 300_000,
      excludeCredentials: (await this.passkeysOf(user.id)).map((f) => ({ id: f.credentialId!, transports: f.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
  }

  /** Verifies `navigator.credentials.create`'s answer and keeps the passkey. */
  async register(userId: string, json: unknown, binding: string | null, name = 'Passkey'): Promise<PasskeyOutcome> {
    const response = parseCredential(json, ['clientDataJSON', 'attestationObject']);
    if (!response) return { ok: false, reason: 'malformed' };
    const spent = await this.spend('webauthn_registration', response, { userId, binding });
    if (!spent) return { ok: false, reason: 'challenge' };
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON, expectedChallenge: spent.challenge, expectedOrigin: this.origin,
      expectedRPID: this.rpId, requireUserVerification: true,
    }).catch(() => null);
    if (!verified?.verified) return { ok: false, reason: 'signature' };
    const { credential } = verified.registrationInfo;
    const factor: Factor = {
      id: newId('mfa'), userId, type: 'passkey', name, sealedSecret: null, credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter,
      transports: (credential.transports ?? []).filter((t) => typeof t === 'string').slice(0, 8),
      confirmedAt: this.now(), createdAt: this.now(), lastUsedAt: null,
    };
    try {
      await this.deps.factors.create(factor);
    } catch (err) {
      if (err instanceof UniqueViolation) return { ok: false, reason: 'already_registered' };
      throw err;
    }
    return { ok: true, factor };
  }

  /**
   * Options for `navigator.credentials.get`: for a known person, their passkeys (a second
   * factor); for nobody yet, any discoverable passkey (sign-in without a password).
   */
  async authenticationOptions(ceremony: Ceremony): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.challenge('webauthn_authentication', ceremony);
    const allow = ceremony.userId ? (await this.passkeysOf(ceremony.userId)).map((f) => ({ id: f.credentialId!, transports: f.transports })) : undefined;
    return generateAuthenticationOptions({ rpID: this.rpId, challenge, userVerification: 'required', timeout: 300_000, allowCredentials: allow });
  }

  /** Verifies `navigator.credentials.get`'s answer. @returns the passkey used (its person is `factor.userId`) */
  async authenticate(json: unknown, ceremony: Ceremony): Promise<PasskeyOutcome> {
    const response = parseCredential(json, ['clientDataJSON', 'authenticatorData', 'signature']);
    if (!response) return { ok: false, reason: 'malformed' };
    const spent = await this.spend('webauthn_authentication', response, ceremony);
    if (!spent) return { ok: false, reason: 'challenge' };
    const factor = await this.deps.factors.findByCredentialId(response.id);
    if (!factor || factor.type !== 'passkey' || !factor.confirmedAt || !factor.publicKey) return { ok: false, reason: 'unknown_credential' };
    if (spent.token.userId !== null && factor.userId !== spent.token.userId) return { ok: false, reason: 'wrong_person' };
    // the authenticator's own record of whose passkey it is must agree with ours
    const handle = response.response.userHandle;
    if (handle !== undefined && handle !== null && Buffer.from(String(handle), 'base64url').toString('utf8') !== factor.userId) {
      return { ok: false, reason: 'wrong_person' };
    }
    const verified = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON, expectedChallenge: spent.challenge, expectedOrigin: this.origin,
      expectedRPID: this.rpId, requireUserVerification: true,
      credential: { id: factor.credentialId!, publicKey: Buffer.from(factor.publicKey, 'base64url'), counter: factor.counter, transports: factor.transports },
    }).catch(() => null);
    if (!verified?.verified) return { ok: false, reason: 'signature' };
    if (!(await this.deps.factors.advance(factor.id, factor.counter, verified.authenticationInfo.newCounter, this.now()))) {
      return { ok: false, reason: 'replayed' };
    }
    return { ok: true, factor };
  }
}
