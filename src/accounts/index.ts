import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Identity } from '../identity/index.js';
import type { Mailer } from '../mail/mailer.js';
import type { Store } from '../store/ports.js';
import { AccountMail } from './account-mail.js';
import { Background } from './background.js';
import { Credentials } from './credentials.js';
import { Factors } from './factors.js';
import { AccountLinks } from './links.js';
import { MfaRequirement } from './mfa-requirement.js';
import { Passkeys } from './passkeys.js';
import { PasswordReset } from './password-reset.js';
import { RecoveryCodes } from './recovery-codes.js';
import { SelfService } from './self-service.js';
import { Signup } from './signup.js';
import { AccountThrottle } from './throttle.js';
import { Totp } from './totp.js';
import { EmailVerification } from './verification.js';

/**
 * Accounts (SPEC §7): sign-up, email verification, password reset and change, second factors
 * (authenticator apps with recovery codes, passkeys) and organizations that require them. The
 * pages beside the login page (`oauth/interactions/`) and `/v1/me` are their HTTP faces.
 */
export interface Accounts {
  settings: Config['accounts'];
  signup: Signup;
  verification: EmailVerification;
  passwordReset: PasswordReset;
  credentials: Credentials;
  factors: Factors;
  totp: Totp;
  passkeys: Passkeys;
  recoveryCodes: RecoveryCodes;
  mfaRequirement: MfaRequirement;
  self: SelfService;
  throttle: AccountThrottle;
  /** what pages do after answering (mail lookups): `drain()` in tests, `close()` on shutdown */
  background: Background;
}

export interface AccountsDeps {
  config: Config;
  store: Store;
  secrets: Secrets;
  identity: Identity;
  mailer: Mailer;
  audit: AuditLog;
  logger: Logger;
}

/** Builds the accounts services; `gatehouse.accounts` is made here. */
export function createAccounts({ config, store, secrets, identity, mailer, audit, logger }: AccountsDeps): Accounts {
  const settings = config.accounts;
  const links = new AccountLinks(store.accountTokens);
  const mail = new AccountMail({ store, mailer, issuer: config.issuer, displayName: settings.displayName });
  const throttle = new AccountThrottle(store, settings);
  const background = new Background(logger);
  const recoveryCodes = new RecoveryCodes({ store: store.recoveryCodes, secrets });
  const totp = new Totp({ factors: store.factors, secrets, displayName: settings.displayName });
  const passkeys = new Passkeys({ factors: store.factors, links, issuer: config.issuer, displayName: settings.displayName });
  const factors = new Factors({ store: store.factors, totp, recovery: recoveryCodes, mail, audit });
  const credentials = new Credentials({ identity, store, throttles: config.throttles, links, mail, audit });
  const verification = new EmailVerification({ store, links, mail, throttle, audit });
  return {
    settings,
    signup: new Signup({ identity, mail, throttle, background, verification, audit }),
    verification,
    passwordReset: new PasswordReset({ store, identity, links, mail, throttle, background, credentials }),
    credentials,
    factors,
    totp,
    passkeys,
    recoveryCodes,
    mfaRequirement: new MfaRequirement({ store, permissions: identity.permissions, audit }),
    self: new SelfService({ store, credentials, factors, totp, passkeys, recovery: recoveryCodes }),
    throttle,
    background,
  };
}
