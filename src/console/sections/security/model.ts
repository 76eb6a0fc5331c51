import type { Problem } from '../../api/calls.js';
import { fieldProblems } from '../../ui/forms.js';

/** A second factor as `GET /v1/me` answers. */
export interface FactorJson {
  id: string;
  type: 'totp' | 'passkey';
  name: string;
  status: 'pending' | 'active';
  created_at: string;
  last_used_at: string | null;
}

/** The person's own account (`GET /v1/me`). */
export interface AccountJson {
  id: string;
  email: string;
  email_verified: boolean;
  mfa: { enabled: boolean; factors: FactorJson[]; recovery_codes_remaining: number };
}

/** A factor just added (`…/confirm`, `…/passkeys`): recovery codes come with the person's first one. */
export interface EnrolledJson {
  factor: FactorJson;
  recovery_codes: string[] | null;
}

export const FACTOR_TYPES: Record<FactorJson['type'], string> = { totp: 'Authenticator app', passkey: 'Passkey' };

/** The security page's path below the organization's base. */
export const SECURITY = '/security';

/**
 * Field problems of a form that asks for the current password: the API's 403
 * `current_password_incorrect` belongs to that field, like the 400s to theirs.
 */
export function passwordFormProblems(problem: Problem | null): Map<string, string> {
  const errors = fieldProblems(problem);
  if (problem?.code === 'current_password_incorrect') errors.set('current_password', problem.detail ?? 'The current password is not right.');
  return errors;
}

/** The current-password field every change asks for. */
export const currentPasswordField = (id: string, error: string | undefined, autofocus = false) => ({
  id, name: 'current_password', label: 'Current password', type: 'password', required: true, autofocus, error,
  attrs: 'autocomplete="current-password" maxlength="256"',
});
