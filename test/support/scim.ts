import request from 'supertest';
import type { Gatehouse } from '../../src/gatehouse.js';
import { MANAGEMENT_PERMISSIONS } from '../../src/domain/permissions.js';

/** The SCIM media type requests are sent with, as Okta and Entra ID send them. */
export const SCIM_JSON = 'application/scim+json';

export interface ScimClient {
  get(path: string): request.Test;
  post(path: string, body: unknown): request.Test;
  put(path: string, body: unknown): request.Test;
  patch(path: string, body: unknown): request.Test;
  delete(path: string): request.Test;
}

/** An identity provider's HTTP client for `/scim/v2`, authenticated with `token` (`Authorization: Bearer …`). */
export function scimClient(gh: Gatehouse, token: string): ScimClient {
  const agent = () => request(gh.app.callback());
  const auth = (t: request.Test) => t.set('Authorization', `Bearer ${token}`).set('Accept', SCIM_JSON);
  const withBody = (t: request.Test, body: unknown) => auth(t).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  return {
    get: (path) => auth(agent().get(`/scim/v2${path}`)),
    post: (path, body) => withBody(agent().post(`/scim/v2${path}`), body),
    put: (path, body) => withBody(agent().put(`/scim/v2${path}`), body),
    patch: (path, body) => withBody(agent().patch(`/scim/v2${path}`), body),
    delete: (path) => auth(agent().delete(`/scim/v2${path}`)),
  };
}

/** Creates a SCIM token over the management API with `key`; returns the plaintext token. */
export async function createScimToken(gh: Gatehouse, org: string, key: string, permissions: readonly string[] = MANAGEMENT_PERMISSIONS, name = 'Okta') {
  const res = await request(gh.app.callback()).post(`/v1/organizations/${org}/scim-tokens`).set('X-API-Key', key).send({ name, permissions });
  if (res.status !== 201) throw new Error(`SCIM token refused: ${res.status} ${res.text}`);
  return res.body as { id: string; token: string; scim_base_url: string; permissions: string[] };
}

/** The body of a SCIM PATCH with these operations. */
export const patchOp = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

/** A SCIM error document's shape (RFC 7644 §3.12), checked on a response. */
export function expectScimError(res: { status: number; type: string; body: Record<string, unknown> }, status: number, scimType?: string): void {
  expect({ status: res.status, type: res.type, schemas: res.body.schemas, bodyStatus: res.body.status })
    .toEqual({ status, type: SCIM_JSON, schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], bodyStatus: String(status) });
  if (scimType) expect(res.body.scimType).toBe(scimType);
  expect(typeof res.body.detail).toBe('string');
}

/** A User document as identity providers POST it. */
export const scimUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true,
  emails: [{ primary: true, value: userName, type: 'work' }], ...extra,
});
