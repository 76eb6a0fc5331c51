import { problems } from '../http/problem.js';
import type { Store, User, Factor } from '../store/ports.js';
import type { Credentials } from './credentials.js';
import type { Factors } from './factors.js';
import type { Passkeys } from './passkeys.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { Totp, TotpEnrolment } from './totp.js';

/** What a person sees of their own account. */
export interface AccountProfile {
  user: User;
  factors: Factor[];
  recoveryCodesRemaining: number;
}

/** A factor just added, with the recovery codes that came with it (the person's first factor), shown once. */
export interface Enrolled {
  factor: Factor;
  recoveryCodes: string[] | null;
}

const nameOf = (name: unknown, fallback: string) => (typeof name === 'string' && name.trim() ? name.trim().slice(0, 64) : fallback);

/**
 * What a signed-in person does to their own account (`/v1/me`, for the console): read it, change
 * the password, enrol and remove second factors, get new recovery codes. Every change starts with
 * the current password (checked under the login throttles), so a token an app holds for the
 * person cannot weaken their account or add a factor of its own.
 */
export class SelfService {
  constructor(private readonly deps: {
    store: Store; credentials: Credentials; factors: Factors; totp: Totp; passkeys: Passkeys; recovery: RecoveryCodes;
  }) {}

  /** The person behind a token, while they may still sign in. @throws HttpProblem 403 `account_unavailable` */
  async person(userId: string): Promise<User> {
    const user = await this.deps.store.users.findById(userId);
    if (!user || user.disabled || !user.emailVerified) throw problems.forbidden('account_unavailable', 'This account cannot be managed now.');
    return user;
  }

  async profile(userId: string): Promise<AccountProfile> {
    const user = await this.person(userId);
    const [factors, recoveryCodesRemaining] = await Promise.all([this.deps.factors.confirmed(user.id), this.deps.recovery.remaining(user.id)]);
    return { user, factors, recoveryCodesRemaining };
  }

  async changePassword(userId: string, current: unknown, next: unknown, ip: string): Promise<void> {
    await this.deps.credentials.change(await this.person(userId), current, next, ip);
  }

  async startTotp(userId: string, current: unknown, name: unknown, ip: string): Promise<TotpEnrolment> {
    const user = await this.person(userId);
    await this.deps.credentials.reauthenticate(user, current, ip);
    return this.deps.totp.start(user, nameOf(name, 'Authenticator app'));
  }

  /** @throws HttpProblem 400 `invalid_code` (wrong code, or the enrolment is unknown, confirmed or older than 15 minutes) */
  async confirmTotp(userId: string, factorId: string, code: unknown, ip: string): Promise<Enrolled> {
    const user = await this.person(userId);
    const factor = await this.deps.totp.confirm(user.id, factorId, code);
    if (!factor) throw problems.badRequest('invalid_code', 'The code is not right, or this enrolment expired: start again.');
    return { factor, recoveryCodes: await this.deps.factors.enrolled(user, factor, ip) };
  }

  async passkeyOptions(userId: string, current: unknown, ip: string) {
    const user = await this.person(userId);
    await this.deps.credentials.reauthenticate(user, current, ip);
    return this.deps.passkeys.registrationOptions(user, null);
  }

  /** @throws HttpProblem 400 `invalid_passkey`, 409 `passkey_exists` */
  async registerPasskey(userId: string, response: unknown, name: unknown, ip: string): Promise<Enrolled> {
    const user = await this.person(userId);
    const outcome = await this.deps.passkeys.register(user.id, response, null, nameOf(name, 'Passkey'));
    if (!outcome.ok && outcome.reason === 'already_registered') throw problems.conflict('passkey_exists', 'This passkey is registered already.');
    if (!outcome.ok) throw problems.badRequest('invalid_passkey', 'The passkey could not be verified: ask for new options and try again.');
    return { factor: outcome.factor, recoveryCodes: await this.deps.factors.enrolled(user, outcome.factor, ip) };
  }

  async removeFactor(userId: string, factorId: string, current: unknown, ip: string): Promise<void> {
    const user = await this.person(userId);
    await this.deps.credentials.reauthenticate(user, current, ip);
    await this.deps.factors.remove(user, factorId, ip);
  }

  /** @throws HttpProblem 409 `no_factor` when the person has no second factor to recover */
  async regenerateRecoveryCodes(userId: string, current: unknown, ip: string): Promise<string[]> {
    const user = await this.person(userId);
    await this.deps.credentials.reauthenticate(user, current, ip);
    if ((await this.deps.factors.confirmed(user.id)).length === 0) {
      throw problems.conflict('no_factor', 'Recovery codes stand in for a second factor: enrol one first.');
    }
    return this.deps.recovery.generate(user.id);
  }
}
