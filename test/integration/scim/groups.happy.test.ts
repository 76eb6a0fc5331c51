import { OPERATOR } from '../../../src/audit/actor.js';
import { acceptInvitation, mailedLink } from '../../support/invitations.js';
import { seededSuite } from '../../support/seed.js';
import { createScimToken, patchOp, scimClient, scimUser, type ScimClient } from '../../support/scim.js';

const s = seededSuite();
let scim: ScimClient;

beforeAll(async () => {
  scim = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'acme', s.adminKey)).token);
});

const member = async (email: string) => {
  const { body } = await scim.post('/Users', scimUser(email)).expect(201);
  await acceptInvitation(s.gatehouse, await mailedLink(s.gatehouse, email), { mode: 'signup', password: 'a long enough password' });
  return { scimId: body.id as string, userId: (await s.gatehouse.identity.users.getByEmail(email))!.id };
};
const roles = async (userId: string) => (await s.gatehouse.store.memberships.find(s.org.id, userId))!.roles;
const memberIds = (doc: { members?: Array<{ value: string }> }) => (doc.members ?? []).map((m) => m.value).sort();

describe('SCIM Groups: the organization\'s roles', () => {
  it('lists the built-in roles and custom roles, finds one by displayName without case, and leaves members out when asked', async () => {
    const role = await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'auditors', permissions: ['audit:read'] });
    const all = await scim.get('/Groups').expect(200);
    expect(all.body.Resources.map((g: { id: string; displayName: string }) => [g.id, g.displayName]))
      .toEqual(expect.arrayContaining([['admin', 'admin'], ['member', 'member'], [role.id, 'auditors']]));
    expect(all.body.Resources.find((g: { id: string }) => g.id === 'admin').members).toEqual([
      { value: s.adminUserId, $ref: `${s.gatehouse.config.issuer}/scim/v2/Users/${s.adminUserId}`, type: 'User' },
    ]);
    const found = await scim.get('/Groups?excludedAttributes=members&filter=displayName eq "Auditors"').expect(200);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: role.id, displayName: 'auditors', meta: { resourceType: 'Group' } }] });
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    const one = await scim.get(`/Groups/${role.id}?excludedAttributes=members`).expect(200);
    expect(one.body).not.toHaveProperty('members');
    expect((await scim.get('/Groups?filter=displayName eq "nobody"').expect(200)).body.totalResults).toBe(0);
    expect((await scim.get(`/Groups?filter=members.value eq "${s.adminUserId}"`).expect(200)).body.Resources.map((g: { id: string }) => g.id)).toEqual(['admin']);
  });

  it('adds and removes members as Okta and Entra ID send it: each gives or takes the role', async () => {
    const role = await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'support', permissions: ['users:read'] });
    const ann = await member('ann@example.com');
    const bob = await member('bob@example.com');
    const added = await scim.patch(`/Groups/${role.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: ann.scimId }, { value: bob.scimId }] })).expect(200);
    expect(memberIds(added.body)).toEqual([ann.scimId, bob.scimId].sort());
    expect(await roles(ann.userId)).toEqual(['member', 'support']);
    await scim.patch(`/Groups/${role.id}`, patchOp({ op: 'remove', path: `members[value eq "${ann.scimId}"]` })).expect(200);
    expect(await roles(ann.userId)).toEqual(['member']);
    await scim.patch(`/Groups/${role.id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: bob.scimId }] })).expect(200);
    expect(await roles(bob.userId)).toEqual(['member']);
    const viaUser = await scim.get(`/Users/${bob.scimId}`).expect(200);
    expect(viaUser.body.groups.map((g: { display: string }) => g.display)).toEqual(['member']);
  });

  it('PUT replaces the members; PATCH without a path (Okta) too', async () => {
    const role = await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'oncall', permissions: ['users:read'] });
    const carl = await member('carl@example.com');
    const dee = await member('dee@example.com');
    await scim.put(`/Groups/${role.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: role.id, displayName: 'oncall', members: [{ value: carl.scimId, display: 'carl@example.com' }] }).expect(200);
    expect(await roles(carl.userId)).toContain('oncall');
    const swapped = await scim.patch(`/Groups/${role.id}`, patchOp({ op: 'replace', value: { id: role.id, displayName: 'OnCall', members: [{ value: dee.scimId }] } })).expect(200);
    expect(memberIds(swapped.body)).toEqual([dee.scimId]);
    expect(await roles(carl.userId)).not.toContain('oncall');
    expect(await roles(dee.userId)).toContain('oncall');
  });

  it('POST creates a custom role holding no permission (displayName lower-cased), with its members', async () => {
    const eve = await member('eve@example.com');
    const res = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: eve.scimId }] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${s.gatehouse.config.issuer}/scim/v2/Groups/${res.body.id}`);
    expect(res.body).toMatchObject({ displayName: 'engineering', members: [{ value: eve.scimId }] });
    const role = await s.gatehouse.identity.roles.get(s.org.id, res.body.id);
    expect(role).toMatchObject({ name: 'engineering', permissions: [] });
    expect(await roles(eve.userId)).toEqual(['member', 'engineering']);
  });

  it('DELETE takes a custom role from everyone holding it (invited people too), then deletes it', async () => {
    const { body } = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'temporary' }).expect(201);
    const fay = await member('fay@example.com');
    const invited = (await scim.post('/Users', scimUser('gus@example.com')).expect(201)).body.id;
    await scim.patch(`/Groups/${body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: fay.scimId }, { value: invited }] })).expect(200);
    await scim.delete(`/Groups/${body.id}`).expect(204);
    await scim.get(`/Groups/${body.id}`).expect(404);
    expect(await roles(fay.userId)).toEqual(['member']);
    expect((await scim.get(`/Users/${invited}`).expect(200)).body.groups.map((g: { display: string }) => g.display)).toEqual(['member']);
  });
});
