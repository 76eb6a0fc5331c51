import type { RunningGatehouse } from '../../support/harness.js';
import { personApi } from '../../support/accounts.js';
import { seedOAuth } from '../../support/oauth.js';
import { userAccessToken } from '../../support/tokens.js';

/**
 * A person and `/v1` with their own access token (as the console would hold it): by default an
 * admin; `['member']` gives a token whose permissions all read.
 */
export async function person(server: RunningGatehouse, roles: string[] = ['admin'], permissions: string[] = ['users:read']) {
  const seeded = await seedOAuth(server.gatehouse, { roles });
  const token = await userAccessToken(server.url, seeded.client.clientId, seeded.clientSecret!, seeded, permissions);
  return { ...seeded, token, api: personApi(server.url, token) };
}
