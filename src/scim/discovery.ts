import { COMMON_ATTRIBUTES, GROUP_SCHEMA, USER_SCHEMA, type AttributeDefinition } from './protocol/attributes.js';
import { MAX_RESULTS } from './protocol/list.js';
import { URN } from './protocol/urns.js';

type Json = Record<string, unknown>;

/**
 * The discovery documents (RFC 7644 §4, RFC 7643 §5–7): what this service provider supports,
 * its resource types and their schemas, built from the same attribute definitions the filters
 * and PATCH paths are checked against.
 */
export function discovery(base: string) {
  const meta = (resourceType: string, path: string) => ({ resourceType, location: `${base}/${path}` });
  const schemaDoc = (id: string, name: string, description: string, attributes: AttributeDefinition[]): Json => ({
    schemas: [URN.schema], id, name, description, attributes, meta: meta('Schema', `Schemas/${id}`),
  });
  const schemas: Json[] = [
    schemaDoc(URN.user, 'User', 'A person of the organization: a member, or someone invited who has not joined yet.', USER_SCHEMA.attributes),
    schemaDoc(URN.group, 'Group', 'A role of the organization.', GROUP_SCHEMA.attributes),
    ...Object.entries(USER_SCHEMA.extensions).map(([id, attributes]) => schemaDoc(id, 'Membership', 'Where the person stands.', attributes)),
  ];
  const resourceTypes: Json[] = [
    {
      schemas: [URN.resourceType], id: 'User', name: 'User', endpoint: '/Users', description: 'People', schema: URN.user,
      schemaExtensions: Object.keys(USER_SCHEMA.extensions).map((schema) => ({ schema, required: false })), meta: meta('ResourceType', 'ResourceTypes/User'),
    },
    {
      schemas: [URN.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Roles', schema: URN.group,
      schemaExtensions: [], meta: meta('ResourceType', 'ResourceTypes/Group'),
    },
  ];
  const serviceProviderConfig: Json = {
    schemas: [URN.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{
      type: 'oauthbearertoken', name: 'SCIM token', primary: true,
      description: 'Authorization: Bearer scim_…, a token an organization administrator creates at POST /v1/organizations/{org}/scim-tokens',
    }],
    meta: meta('ServiceProviderConfig', 'ServiceProviderConfig'),
  };
  return { schemas, resourceTypes, serviceProviderConfig, commonAttributes: COMMON_ATTRIBUTES };
}
