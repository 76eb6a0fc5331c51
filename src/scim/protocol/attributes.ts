import { URN } from './urns.js';

/** An attribute definition as RFC 7643 §7 publishes it under `/Schemas`. */
export interface AttributeDefinition {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'default' | 'never' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: AttributeDefinition[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;
const attribute = (name: string, type: AttributeDefinition['type'], description: string, o: Options = {}): AttributeDefinition => ({
  name, type, multiValued: false, description, required: false, caseExact: false, mutability: 'readWrite', returned: 'default',
  uniqueness: 'none', ...o,
});

/** The User attributes Gatehouse keeps; others an identity provider sends are dropped. */
export const USER_ATTRIBUTES: AttributeDefinition[] = [
  attribute('userName', 'string', 'The person\'s email address: the address invited, then their account\'s (never changed for a member).',
    { required: true, uniqueness: 'server' }),
  attribute('name', 'complex', 'The person\'s name as this organization\'s identity provider keeps it (never their account\'s).', {
    subAttributes: [
      attribute('formatted', 'string', 'The full name.'),
      attribute('familyName', 'string', 'The family name.'),
      attribute('givenName', 'string', 'The given name.'),
    ],
  }),
  attribute('displayName', 'string', 'The name shown for the person in this organization.'),
  attribute('emails', 'complex', 'The person\'s email: always the userName (what is sent here is dropped).', {
    multiValued: true,
    subAttributes: [
      attribute('value', 'string', 'The email address (the userName).'),
      attribute('type', 'string', 'Always "work".', { canonicalValues: ['work'] }),
      attribute('primary', 'boolean', 'Always true.'),
    ],
  }),
  attribute('active', 'boolean', 'false: deprovisioned (a member is disabled; an invitation is revoked).'),
  attribute('groups', 'complex', 'The roles the person holds (or will hold on joining), as Groups. Change them through Groups.', {
    multiValued: true, mutability: 'readOnly',
    subAttributes: [
      attribute('value', 'string', 'The Group id.', { mutability: 'readOnly' }),
      attribute('$ref', 'reference', 'The Group URI.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
      attribute('display', 'string', 'The role name.', { mutability: 'readOnly' }),
      attribute('type', 'string', 'Always "direct".', { mutability: 'readOnly', canonicalValues: ['direct'] }),
    ],
  }),
];

/** The Group attributes: a Group is a role of the organization. */
export const GROUP_ATTRIBUTES: AttributeDefinition[] = [
  attribute('displayName', 'string', 'The role name (built-in admin and member, or a custom role); cannot be changed.',
    { required: true, uniqueness: 'server' }),
  attribute('members', 'complex', 'The people holding the role.', {
    multiValued: true,
    subAttributes: [
      attribute('value', 'string', 'The User id.', { mutability: 'immutable' }),
      attribute('$ref', 'reference', 'The User URI.', { mutability: 'immutable', referenceTypes: ['User'] }),
      attribute('type', 'string', 'Always "User".', { mutability: 'immutable', canonicalValues: ['User'] }),
      attribute('display', 'string', 'Ignored.', { mutability: 'readOnly' }),
    ],
  }),
];

export const MEMBERSHIP_ATTRIBUTES: AttributeDefinition[] = [
  attribute('status', 'string', '"invited" until the person accepts the invitation mailed to them, then "member".', {
    mutability: 'readOnly', canonicalValues: ['invited', 'member'],
  }),
];

/** Attributes every resource has (RFC 7643 §3.1), outside any schema's list. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  attribute('id', 'string', 'The resource id.', { mutability: 'readOnly', caseExact: true, returned: 'always', uniqueness: 'server' }),
  attribute('externalId', 'string', 'The identity provider\'s id.', { caseExact: true }),
  attribute('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', 'User or Group.', { mutability: 'readOnly', caseExact: true }),
      attribute('created', 'dateTime', 'When it was made.', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', 'When it last changed.', { mutability: 'readOnly' }),
      attribute('location', 'reference', 'Its URI.', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
];

/** What a resource type's documents may hold: its schemas and their attributes. */
export interface ResourceSchema {
  /** the core schema's URN */
  core: string;
  /** extension URN → its attributes */
  extensions: Record<string, AttributeDefinition[]>;
  attributes: AttributeDefinition[];
}

export const USER_SCHEMA: ResourceSchema = { core: URN.user, extensions: { [URN.membership]: MEMBERSHIP_ATTRIBUTES }, attributes: USER_ATTRIBUTES };
export const GROUP_SCHEMA: ResourceSchema = { core: URN.group, extensions: {}, attributes: GROUP_ATTRIBUTES };

const lower = (s: string) => s.toLowerCase();

/** The definition a path names (`name.givenName`, `urn:…:User:userName`, `urn:…extension…:status`), or null when unknown. */
export function definitionOf(schema: ResourceSchema, attribute: string, subAttribute?: string | null): AttributeDefinition | null {
  let list = [...COMMON_ATTRIBUTES, ...schema.attributes];
  let name = attribute;
  const urn = splitUrn(schema, attribute);
  if (urn) {
    name = urn.attribute;
    list = urn.urn === lower(schema.core) ? [...COMMON_ATTRIBUTES, ...schema.attributes] : Object.entries(schema.extensions)
      .find(([u]) => lower(u) === urn.urn)?.[1] ?? [];
  }
  const top = list.find((a) => lower(a.name) === lower(name)) ?? null;
  if (!top || !subAttribute) return top;
  return top.subAttributes?.find((a) => lower(a.name) === lower(subAttribute)) ?? null;
}

/**
 * A path prefixed by one of the schema's URNs, split into the URN (lower-cased) and the
 * attribute after it; null when it carries none of them.
 */
export function splitUrn(schema: ResourceSchema, path: string): { urn: string; attribute: string } | null {
  const p = lower(path);
  for (const urn of [schema.core, ...Object.keys(schema.extensions)]) {
    if (p.startsWith(`${lower(urn)}:`)) return { urn: lower(urn), attribute: path.slice(urn.length + 1) };
  }
  return null;
}

/** Whether a path names some URN-qualified attribute of a schema Gatehouse does not keep (e.g. the enterprise extension). */
export const isForeignUrn = (schema: ResourceSchema, path: string) => /^urn:/i.test(path) && !splitUrn(schema, path);
