import { loadSequence, provisioningTarget, replay } from './replay.js';

/*
 * Okta's provisioning, as its SCIM 2.0 protocol reference shows it (test/fixtures/scim/okta.json):
 * connection test, lookup, create (an invitation, mailed over SMTP and accepted by the person),
 * PUT, group push and membership, rename refused, deactivation and reactivation, group delete.
 */
let target: Awaited<ReturnType<typeof provisioningTarget>>;
beforeAll(async () => { target = await provisioningTarget(); });
afterAll(() => target.close());

it('replays Okta\'s SCIM requests with the answers Okta expects', async () => {
  const sequence = loadSequence('okta.json');
  expect(await replay(sequence, target)).toHaveLength(sequence.steps.length);
  // the password in Okta's example was dropped: the person signs in with the one they chose
  expect(await target.server.gatehouse.identity.users.verifyPassword('test.user@okta.local', '1mz050nq')).toBeNull();
  expect(await target.server.gatehouse.identity.users.verifyPassword('test.user@okta.local', 'the person chose this password')).not.toBeNull();
});
