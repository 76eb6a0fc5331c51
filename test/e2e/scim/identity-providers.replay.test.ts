import type { Gatehouse } from '../../../src/gatehouse.js';
import { loadSequence, provisioningTarget, replay } from './replay.js';

/*
 * Okta's and Microsoft Entra ID's provisioning, replayed as each documents it (the fixtures in
 * test/fixtures/scim/ name their sources), against a listening Gatehouse whose mail goes through
 * a real SMTP server: the person accepts the invitation from the mail they received.
 */
describe.each([
  {
    provider: 'Okta', file: 'okta.json',
    // connection test, lookup, create, PUT, group push and membership, rename refused, deactivation and reactivation, group delete
    async after(gh: Gatehouse) {
      // the password in Okta's example was dropped: the person signs in with the one they chose
      expect(await gh.identity.users.verifyPassword('test.user@okta.local', '1mz050nq')).toBeNull();
      expect(await gh.identity.users.verifyPassword('test.user@okta.local', 'the person chose this password')).not.toBeNull();
    },
  },
  {
    provider: 'Entra ID', file: 'entra-id.json',
    // lookups, create, both PATCH shapes (with and without aadOptscim062020), a new address, groups, disable, delete
    async after(gh: Gatehouse) {
      // the first address was never let in: its invitation was revoked when the address changed
      expect(await gh.identity.users.getByEmail('test_user_dfeef4c5-5681-4387-b016-bdf221e82081@testuser.com')).toBeNull();
      expect(await gh.identity.users.getByEmail('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com')).not.toBeNull();
    },
  },
])('$provider', ({ provider, file, after }) => {
  let target: Awaited<ReturnType<typeof provisioningTarget>>;
  beforeAll(async () => { target = await provisioningTarget(); });
  afterAll(() => target.close());

  it(`replays ${provider}'s SCIM requests and gets the answers ${provider} expects`, async () => {
    const sequence = loadSequence(file);
    expect(await replay(sequence, target)).toHaveLength(sequence.steps.length);
    await after(target.server.gatehouse);
  });
});
