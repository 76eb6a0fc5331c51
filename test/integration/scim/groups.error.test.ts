import { OPERATOR } from '../../../src/audit/actor.js';
import { seededSuite } from '../../support/seed.js';
import { createScimToken, expectScimError, patchOp, scimClient, scimUser, type ScimClient } from '../../support/scim.js';

const s = seededSuite();
let scim: ScimClient;
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

beforeAll(async () => {
  scim = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'acme', s.adminKey)).token);
});

describe('SCIM Groups: errors', () => {
  it('a role cannot be renamed (400 mutability): Entra ID\'s "Update Group [Non-member attributes]"', async () => {
    const role = await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'fixed-name', permissions: [] });
    expectScimError(await scim.patch(`/Groups/${role.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'renamed' })), 400, 'mutability');
    expectScimError(await scim.put(`/Groups/${role.id}`, { schemas: [GROUP], displayName: 'renamed' }), 400, 'mutability');
    expectScimError(await scim.patch(`/Groups/${role.id}`, patchOp({ op: 'replace', path: 'id', value: 'other' })), 400, 'mutability');
    expect((await s.gatehouse.identity.roles.get(s.org.id, role.id)).name).toBe('fixed-name');
  });

  it('built-in roles cannot be created again or deleted', async () => {
    expectScimError(await scim.post('/Groups', { schemas: [GROUP], displayName: 'Admin' }), 409, 'uniqueness');
    expectScimError(await scim.delete('/Groups/admin'), 400, 'mutability');
    expectScimError(await scim.delete('/Groups/member'), 400, 'mutability');
  });

  it('a displayName that cannot name a role is a 400 invalidValue; an existing one a 409 uniqueness', async () => {
    expectScimError(await scim.post('/Groups', { schemas: [GROUP], displayName: 'Test SCIMv2' }), 400, 'invalidValue');
    expectScimError(await scim.post('/Groups', { schemas: [GROUP] }), 400, 'invalidValue');
    await scim.post('/Groups', { schemas: [GROUP], displayName: 'taken' }).expect(201);
    expectScimError(await scim.post('/Groups', { schemas: [GROUP], displayName: 'TAKEN' }), 409, 'uniqueness');
  });

  it('members that are no User of the organization are a 400 invalidValue, and nobody is changed', async () => {
    const { body } = await scim.post('/Users', scimUser('real@example.com')).expect(201);
    const res = await scim.patch('/Groups/member', patchOp({ op: 'add', path: 'members', value: [{ value: body.id }, { value: 'scu_nobody' }] }));
    expectScimError(res, 400, 'invalidValue');
    expectScimError(await scim.patch('/Groups/member', patchOp({ op: 'add', path: 'members', value: [{ display: 'no value' }] })), 400, 'invalidValue');
    expectScimError(await scim.post('/Groups', { schemas: [GROUP], displayName: 'ghosts', members: [{ value: 'usr_ghost' }] }), 400, 'invalidValue');
    expect(await s.gatehouse.store.roles.findByName(s.org.id, 'ghosts')).toBeNull();
  });

  it('an unknown Group is a 404; a filter on an attribute Groups lack is a 400 invalidFilter', async () => {
    expectScimError(await scim.get('/Groups/role_nothing'), 404);
    expectScimError(await scim.patch('/Groups/role_nothing', patchOp({ op: 'add', path: 'members', value: [] })), 404);
    expectScimError(await scim.get('/Groups?filter=userName eq "x"'), 400, 'invalidFilter');
  });

  it('removing the last admin from the admin Group is a 409 last_admin', async () => {
    const res = await scim.patch('/Groups/admin', patchOp({ op: 'remove', path: `members[value eq "${s.adminUserId}"]` }));
    expectScimError(res, 409);
    expect(res.body.detail).toMatch(/^last_admin/);
    expect((await s.gatehouse.store.memberships.find(s.org.id, s.adminUserId))!.roles).toEqual(['admin']);
  });
});
