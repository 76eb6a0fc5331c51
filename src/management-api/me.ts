import { z } from 'zod';
import type { AccountProfile, Enrolled } from '../accounts/self-service.js';
import type { SelfService } from '../accounts/self-service.js';
import type { Factor } from '../store/ports.js';
import { selfRoute, type AnyRoute } from './route-kit.js';
import { timestamp } from './schemas/common.js';

const currentPassword = z.string().max(1024).describe('the person\'s current password (every change asks for it)');

const factorObject = z.object({
  object: z.literal('factor'), id: z.string(), type: z.enum(['totp', 'passkey']), name: z.string(),
  status: z.enum(['pending', 'active']).describe('`pending`: an authenticator app waiting for its first code'),
  created_at: timestamp, last_used_at: timestamp.nullable(),
});

const factorToJson = (f: Factor) => ({
  object: 'factor' as const, id: f.id, type: f.type, name: f.name, status: f.confirmedAt ? 'active' as const : 'pending' as const,
  created_at: f.createdAt.toISOString(), last_used_at: f.lastUsedAt?.toISOString() ?? null,
});

const recoveryCodes = z.array(z.string()).describe('single-use codes standing in for a lost factor: shown this once');

const enrolledObject = z.object({ factor: factorObject, recovery_codes: recoveryCodes.nullable().describe('with the first factor only; shown this once') });
const enrolledToJson = (e: Enrolled) => ({ factor: factorToJson(e.factor), recovery_codes: e.recoveryCodes });

const accountObject = z.object({
  object: z.literal('account'), id: z.string(), email: z.string(), name: z.string().nullable(), email_verified: z.boolean(),
  mfa: z.object({ enabled: z.boolean(), factors: z.array(factorObject), recovery_codes_remaining: z.number().int() }),
  created_at: timestamp,
});

const accountToJson = ({ user, factors, recoveryCodesRemaining }: AccountProfile) => ({
  object: 'account' as const, id: user.id, email: user.email, name: user.name, email_verified: user.emailVerified,
  mfa: { enabled: factors.length > 0, factors: factors.map(factorToJson), recovery_codes_remaining: recoveryCodesRemaining },
  created_at: user.createdAt.toISOString(),
});

/**
 * `/me`: the calling person's own account, for the console's security page. A person's access
 * token only (403 `user_token_required` for API keys and client tokens); every change asks for
 * the current password (403 `current_password_incorrect`, login throttles apply), so an app
 * holding a token for the person cannot change how they sign in.
 */
export function meRoutes(self: SelfService): AnyRoute[] {
  const tag = 'Me';
  return [
    selfRoute({
      method: 'get', path: '/me', tag, summary: 'Your account: email, verification, second factors', permission: null, response: accountObject,
      handle: async ({ principal }) => accountToJson(await self.profile(principal.subject)),
    }),
    selfRoute({
      method: 'post', path: '/me/password', tag, summary: 'Change your password (every session and refresh token of yours ends)', permission: null,
      status: 204, body: z.object({ current_password: currentPassword, new_password: z.string().max(1024).describe('8 to 256 characters') }).strict(),
      handle: async ({ principal, body, ctx }) => self.changePassword(principal.subject, body.current_password, body.new_password, ctx.ip),
    }),
    selfRoute({
      method: 'get', path: '/me/factors', tag, summary: 'Your second factors', permission: null, response: z.object({ data: z.array(factorObject) }),
      handle: async ({ principal }) => ({ data: (await self.profile(principal.subject)).factors.map(factorToJson) }),
    }),
    selfRoute({
      method: 'post', path: '/me/factors/totp', tag, summary: 'Start enrolling an authenticator app (confirm it with a first code)',
      permission: null, status: 201, body: z.object({ current_password: currentPassword, name: z.string().max(64).optional() }).strict(),
      response: z.object({ factor: factorObject, secret: z.string().describe('base32; shown this once'), otpauth_uri: z.string().describe('for a QR code; shown this once') }),
      handle: async ({ principal, body, ctx }) => {
        const enrolment = await self.startTotp(principal.subject, body.current_password, body.name, ctx.ip);
        return { factor: factorToJson(enrolment.factor), secret: enrolment.secret, otpauth_uri: enrolment.uri };
      },
    }),
    selfRoute({
      method: 'post', path: '/me/factors/totp/{id}/confirm', tag, summary: 'Confirm an authenticator app with a code it shows (within 15 minutes)',
      permission: null, body: z.object({ code: z.string().max(16) }).strict(), response: enrolledObject,
      handle: async ({ principal, params, body, ctx }) => enrolledToJson(await self.confirmTotp(principal.subject, params.id, body.code, ctx.ip)),
    }),
    selfRoute({
      method: 'post', path: '/me/factors/passkeys/options', tag, summary: 'Options for registering a passkey (navigator.credentials.create, within 5 minutes)',
      permission: null, body: z.object({ current_password: currentPassword }).strict(),
      response: z.object({ options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialCreationOptionsJSON') }),
      handle: async ({ principal, body, ctx }) => ({ options: await self.passkeyOptions(principal.subject, body.current_password, ctx.ip) }),
    }),
    selfRoute({
      method: 'post', path: '/me/factors/passkeys', tag, summary: 'Register a passkey: the browser\'s answer to the options',
      permission: null, status: 201, response: enrolledObject,
      body: z.object({ response: z.record(z.string(), z.unknown()).describe('RegistrationResponseJSON'), name: z.string().max(64).optional() }).strict(),
      handle: async ({ principal, body, ctx }) => enrolledToJson(await self.registerPasskey(principal.subject, body.response, body.name, ctx.ip)),
    }),
    selfRoute({
      method: 'delete', path: '/me/factors/{id}', tag, summary: 'Remove a second factor (with the last one, the recovery codes go)',
      permission: null, status: 204, body: z.object({ current_password: currentPassword }).strict(),
      handle: async ({ principal, params, body, ctx }) => self.removeFactor(principal.subject, params.id, body.current_password, ctx.ip),
    }),
    selfRoute({
      method: 'post', path: '/me/recovery-codes', tag, summary: 'New recovery codes (the old ones stop working)', permission: null,
      body: z.object({ current_password: currentPassword }).strict(), response: z.object({ recovery_codes: recoveryCodes }),
      handle: async ({ principal, body, ctx }) => ({ recovery_codes: await self.regenerateRecoveryCodes(principal.subject, body.current_password, ctx.ip) }),
    }),
  ];
}
