import request from 'supertest';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { OPERATOR } from '../../../src/audit/actor.js';
import { createTestGatehouse } from '../../support/harness.js';

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A Gatehouse with two organizations, a confidential client in each and keys to introspect. */
export async function introspectionFixture() {
  const gh: Gatehouse = await createTestGatehouse();
  const acme = await gh.identity.organizations.create({ slug: 'acme' });
  const other = await gh.identity.organizations.create({ slug: 'other' });
  const client = async (orgId: string, extra: Record<string, unknown> = {}) => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, {
      name: 'RS', grant_types: ['client_credentials'], permissions: ['users:read'], ...extra,
    });
    return { id: client.clientId, secret: client_secret! };
  };
  const key = async (orgId: string | null, extra: Record<string, unknown> = {}) => {
    const { record, key } = await gh.apiKeys.create(OPERATOR, orgId, { name: 'k', permissions: ['users:read', 'roles:read'], ...extra });
    return { record, key };
  };
  const introspect = (form: Record<string, string>, auth?: string) => {
    const req = request(gh.app.callback()).post('/token/introspection').type('form');
    if (auth) req.set('Authorization', auth);
    return req.send(form);
  };
  return { gh, acme, other, client, key, introspect, close: () => gh.close() };
}
