import type { MailContent } from '../mail/message.js';

/** The accounts mails: each names the organization and, for a link, how long it works (SPEC §7). */

const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** Hours or minutes, in words. */
function lifetime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;
}

export interface LinkMail {
  organizationName: string;
  link: string;
  issuedAt: Date;
  expiresAt: Date;
  host: string;
}

/** After sign-up (or on request at sign-in): confirm the address. */
export function verificationMail(v: LinkMail): MailContent {
  return {
    subject: `Confirm your email address for ${v.organizationName}`,
    paragraphs: [
      'Hello,',
      `Someone (we hope you) created an account with this address for ${v.organizationName} on ${v.host}. `
        + 'Open this link to confirm the address; you can sign in once it is confirmed.',
      v.link,
      `The link works once, for ${lifetime(v.expiresAt.getTime() - v.issuedAt.getTime())} (until ${utc(v.expiresAt)}). `
        + 'If you did not sign up, ignore this mail: the account stays unusable.',
    ],
  };
}

/** "Forgot password?": a link to choose a new password. */
export function passwordResetMail(v: LinkMail): MailContent {
  return {
    subject: `Reset your password for ${v.organizationName}`,
    paragraphs: [
      'Hello,',
      `A new password was requested for your account on ${v.host} (${v.organizationName}). Open this link to choose one; `
        + 'choosing it signs you out everywhere.',
      v.link,
      `The link works once, for ${lifetime(v.expiresAt.getTime() - v.issuedAt.getTime())} (until ${utc(v.expiresAt)}). `
        + 'If you did not ask for it, ignore this mail: your password stays as it is.',
    ],
  };
}

/** Sign-up with an address that has an account: no second account, a pointer to sign-in and reset instead. */
export function accountExistsMail(v: { organizationName: string; host: string; resetLink: string }): MailContent {
  return {
    subject: `You already have an account on ${v.host}`,
    paragraphs: [
      'Hello,',
      `Someone tried to sign up on ${v.host} with this address, which already has an account (${v.organizationName}). `
        + 'No new account was made. Sign in with your password, or choose a new one here:',
      v.resetLink,
      'If it was not you, ignore this mail: nothing changed.',
    ],
  };
}

/** A change to how the person signs in, told to them so an intruder's change does not go unnoticed. */
export function securityNoticeMail(v: { organizationName: string; host: string; what: string; at: Date }): MailContent {
  return {
    subject: `Your sign-in settings changed (${v.organizationName})`,
    paragraphs: [
      'Hello,',
      `${v.what} on ${v.host} at ${utc(v.at)}.`,
      'If this was you, there is nothing to do. If it was not, reset your password at once from the sign-in page '
        + '("Forgot password?") and tell an administrator of your organization.',
    ],
  };
}
