import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import type { AppConnection } from '../../../src/store/ports.js';

/**
 * A member's authorization of an app, as the consent page leaves it (the OAuth flow itself is
 * exercised end to end in test/e2e/oauth/multi-organization.*).
 */
export async function connect(gh: Gatehouse, organizationId: string, clientId: string, userId: string, permissions: string[]): Promise<AppConnection> {
  const now = new Date();
  return gh.store.appConnections.save({
    id: newId('con'), organizationId, clientId, userId, scopes: ['openid', 'email'],
    resources: [{ indicator: gh.identity.resources.managementIdentifier, scopes: permissions }], createdAt: now, updatedAt: now,
  });
}

/** A vendor organization's multi-organization app. */
export async function vendorApp(gh: Gatehouse, slug: string) {
  const vendor = await gh.identity.organizations.create({ slug, name: `${slug} Inc` });
  const { client } = await gh.oauth.clients.create(OPERATOR, vendor.id, { name: 'Vendor app', redirect_uris: ['https://vendor.example.com/cb'], multi_organization: true });
  return { vendor, client };
}
