import { displayNameProblem, emailProblem, normalizeEmail } from '../../identity/validation.js';
import type { ScimName } from '../../store/ports.js';
import { scimErrors } from '../protocol/errors.js';
import { getKey } from '../protocol/evaluate.js';
import { URN } from '../protocol/urns.js';

type Json = Record<string, unknown>;

/** What a User document (a POST or PUT body, or a document after PATCH) asks for. */
export interface DesiredUser {
  /** normalised email */
  userName: string;
  externalId: string | null;
  name: ScimName | null;
  displayName: string | null;
  active: boolean;
}

/** Entra ID sends booleans as the strings "True" and "False". */
export function booleanOf(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw scimErrors.invalidValue(`${field} must be true or false.`);
}

/** A string attribute kept as given (trimmed), null when absent or empty. */
function text(value: unknown, field: string, max = 200): string | null {
  if (value === undefined || value === null || value === '') return null;
  const problem = typeof value === 'string' && value.length > max ? `must be at most ${max} characters` : displayNameProblem(value);
  if (problem) throw scimErrors.invalidValue(`${field} ${problem}.`);
  return (value as string).trim();
}

function nameOf(value: unknown): ScimName | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw scimErrors.invalidValue('name must be an object: givenName, familyName, formatted.');
  const name = {
    givenName: text(getKey(value, 'givenName'), 'name.givenName'),
    familyName: text(getKey(value, 'familyName'), 'name.familyName'),
    formatted: text(getKey(value, 'formatted'), 'name.formatted'),
  };
  return name.givenName || name.familyName || name.formatted ? name : null;
}

/**
 * Reads and checks a User document. Attributes Gatehouse does not keep are dropped, and so are
 * `emails` (a person has one address here, their userName, which `emails` always shows) and
 * `password` (nobody sets a person's password but themselves): refusing them would also refuse
 * the deprovisioning an identity provider may send in the same request. @throws ScimError 400
 */
export function desiredUser(doc: Json): DesiredUser {
  const schemas = getKey(doc, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(URN.user)))
    throw scimErrors.invalidSyntax(`A User's schemas must include "${URN.user}".`);
  const rawUserName = getKey(doc, 'userName');
  const userName = typeof rawUserName === 'string' ? normalizeEmail(rawUserName) : '';
  if (emailProblem(userName)) throw scimErrors.invalidValue('userName is required and must be the person\'s email address, e.g. ada@example.com.');
  const externalId = getKey(doc, 'externalId');
  if (externalId !== undefined && externalId !== null && (typeof externalId !== 'string' || externalId.length > 256 || /[\u0000-\u001f]/.test(externalId)))
    throw scimErrors.invalidValue('externalId must be a string of at most 256 characters.');
  const active = getKey(doc, 'active');
  return {
    userName,
    externalId: (externalId as string | null | undefined) || null,
    name: nameOf(getKey(doc, 'name')),
    displayName: text(getKey(doc, 'displayName'), 'displayName'),
    active: active === undefined || active === null ? true : booleanOf(active, 'active'),
  };
}
