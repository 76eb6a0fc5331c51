/** The SCIM 2.0 URNs Gatehouse speaks (RFC 7643, RFC 7644). */
export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  /** Gatehouse's read-only extension of a User: whether the person joined or is still invited */
  membership: 'urn:gatehouse:params:scim:schemas:extension:membership:2.0:User',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

/** The media type of every SCIM body (RFC 7644 §3.1); `application/json` is accepted too. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';
