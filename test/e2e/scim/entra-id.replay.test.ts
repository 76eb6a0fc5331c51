import { loadSequence, provisioningTarget, replay } from './replay.js';

/*
 * Microsoft Entra ID's provisioning, as Microsoft's SCIM tutorial and compliance article show it
 * (test/fixtures/scim/entra-id.json): lookups, create, both PATCH shapes (with and without the
 * aadOptscim062020 flag), a new address, group create/read/membership, disable and delete.
 */
let target: Awaited<ReturnType<typeof provisioningTarget>>;
beforeAll(async () => { target = await provisioningTarget(); });
afterAll(() => target.close());

it('replays Entra ID\'s SCIM requests with the answers Entra ID expects', async () => {
  const sequence = loadSequence('entra-id.json');
  expect(await replay(sequence, target)).toHaveLength(sequence.steps.length);
  // the first address was never invited to join: its invitation was revoked when the address changed
  const gh = target.server.gatehouse;
  expect(await gh.identity.users.getByEmail('test_user_dfeef4c5-5681-4387-b016-bdf221e82081@testuser.com')).toBeNull();
  expect(await gh.identity.users.getByEmail('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com')).not.toBeNull();
});
