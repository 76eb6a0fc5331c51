import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { acceptInvitation, mailedLink } from '../../support/invitations.js';
import { seededSuite } from '../../support/seed.js';
import { createScimToken, patchOp, scimClient, scimUser, SCIM_JSON, type ScimClient } from '../../support/scim.js';

const s = seededSuite();
let scim: ScimClient;
const PASSWORD = 'a long enough password';

beforeAll(async () => {
  scim = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'acme', s.adminKey)).token);
  await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'billing', permissions: ['audit:read'] });
});

const provision = async (email: string, extra: Record<string, unknown> = {}) => {
  const res = await scim.post('/Users', scimUser(email, extra));
  expect(res.status).toBe(201);
  return res.body as Record<string, any>;
};
const join = async (email: string) => {
  const joined = await acceptInvitation(s.gatehouse, await mailedLink(s.gatehouse, email), { mode: 'signup', password: PASSWORD });
  expect(joined.status).toBe(200);
  return (await s.gatehouse.identity.users.getByEmail(email))!.id;
};

describe('SCIM Users: provisioning people as invitations', () => {
  it('invites a new User (mailed, status invited, role member); they join with the groups given while they were invited', async () => {
    const res = await scim.post('/Users', scimUser('grace@example.com', { name: { givenName: 'Grace', familyName: 'Hopper' }, externalId: 'okta-grace' }));
    expect(res.status).toBe(201);
    expect(res.type).toBe(SCIM_JSON);
    expect(res.headers.location).toBe(`${s.gatehouse.config.issuer}/scim/v2/Users/${res.body.id}`);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^scu_/), userName: 'grace@example.com', externalId: 'okta-grace', active: true,
      name: { givenName: 'Grace', familyName: 'Hopper' }, emails: [{ value: 'grace@example.com', type: 'work', primary: true }],
      groups: [{ value: 'member', display: 'member' }],
      'urn:gatehouse:params:scim:schemas:extension:membership:2.0:User': { status: 'invited' },
      meta: { resourceType: 'User', location: res.headers.location },
    });
    // no account exists before the person accepts
    expect(await s.gatehouse.identity.users.getByEmail('grace@example.com')).toBeNull();
    const billing = (await s.gatehouse.identity.roles.get(s.org.id, 'billing')).id;
    await scim.patch(`/Groups/${billing}`, patchOp({ op: 'add', path: 'members', value: [{ value: res.body.id }] })).expect(200);
    await scim.patch('/Groups/member', patchOp({ op: 'remove', path: `members[value eq "${res.body.id}"]` })).expect(200);

    const userId = await join('grace@example.com');
    const after = await scim.get(`/Users/${res.body.id}`).expect(200);
    expect(after.body).toMatchObject({ id: res.body.id, active: true, groups: [{ value: billing, display: 'billing' }] });
    expect(after.body['urn:gatehouse:params:scim:schemas:extension:membership:2.0:User']).toEqual({ status: 'member' });
    expect((await s.gatehouse.store.memberships.find(s.org.id, userId))!.roles).toEqual(['billing']);
  });

  it('an acceptance whose follow-up did not run (a crash between the two) is completed at the next read', async () => {
    const gh = s.gatehouse;
    const { id } = await provision('crashy@example.com');
    await scim.patch('/Groups/admin', patchOp({ op: 'add', path: 'members', value: [{ value: id }] })).expect(200);
    const record = (await gh.store.scimUsers.findById(s.org.id, id))!;
    // what the invitation page does, without the listeners that follow it
    const { user } = await gh.identity.users.create({ email: 'crashy@example.com', password: PASSWORD });
    expect(await gh.store.invitations.accept(record.invitationId!, user.id, new Date())).toBe(true);
    await gh.identity.members.add(s.org.id, user.id, ['member']);
    const read = await scim.get(`/Users/${id}`).expect(200);
    expect(read.body).toMatchObject({ id, 'urn:gatehouse:params:scim:schemas:extension:membership:2.0:User': { status: 'member' } });
    expect((await gh.store.memberships.find(s.org.id, user.id))!.roles).toEqual(['member', 'admin']);
    expect((await gh.store.scimUsers.findById(s.org.id, id))!.userId).toBe(user.id);
  });

  it('finds Users by userName, externalId and id, and pages through them with startIndex and count', async () => {
    for (const n of [1, 2, 3]) await provision(`pager-${n}@example.com`, { externalId: `ext-pager-${n}` });
    const byName = await scim.get('/Users?filter=userName eq "PAGER-2@example.com"').expect(200);
    expect(byName.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(byName.body.Resources[0].externalId).toBe('ext-pager-2');
    const byExternal = await scim.get('/Users?filter=externalId eq "ext-pager-3"').expect(200);
    expect(byExternal.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['pager-3@example.com']);
    const byId = await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${byName.body.Resources[0].id}"`)}`).expect(200);
    expect(byId.body.totalResults).toBe(1);
    const none = await scim.get('/Users?filter=userName eq "nobody@example.com"').expect(200);
    expect(none.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const either = await scim.get('/Users?filter=userName eq "pager-1@example.com" or userName eq "pager-3@example.com"').expect(200);
    expect(either.body.totalResults).toBe(2);

    const all = (await scim.get('/Users').expect(200)).body;
    const pages: string[] = [];
    for (let start = 1; start <= all.totalResults; start += 2) {
      const page = (await scim.get(`/Users?startIndex=${start}&count=2`).expect(200)).body;
      expect(page).toMatchObject({ totalResults: all.totalResults, startIndex: start });
      pages.push(...page.Resources.map((u: { id: string }) => u.id));
    }
    expect(pages).toEqual(all.Resources.map((u: { id: string }) => u.id));
    expect(new Set(pages).size).toBe(all.totalResults);
    const counted = (await scim.get('/Users?count=0').expect(200)).body;
    expect(counted).toMatchObject({ totalResults: all.totalResults, itemsPerPage: 0, Resources: [] });
    const filtered = (await scim.get('/Users?filter=userName sw "pager-"&startIndex=2&count=1').expect(200)).body;
    expect(filtered).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
  });

  it('returns only the attributes asked for, or all but those excluded', async () => {
    const { id } = await provision('projected@example.com', { displayName: 'Pro Jected' });
    const only = await scim.get(`/Users/${id}?attributes=userName,name.givenName`).expect(200);
    expect(Object.keys(only.body).sort()).toEqual(['id', 'schemas', 'userName']);
    const without = await scim.get(`/Users?filter=userName eq "projected@example.com"&excludedAttributes=groups,meta`).expect(200);
    expect(without.body.Resources[0]).not.toHaveProperty('groups');
    expect(without.body.Resources[0]).toHaveProperty('displayName', 'Pro Jected');
  });

  it('deprovisioning a member (active false) disables them: their API keys and app authorizations end; active true enables them', async () => {
    const { id } = await provision('leaver@example.com');
    const userId = await join('leaver@example.com');
    const gh = s.gatehouse;
    const asUser = { principal: { type: 'user' as const, subject: userId, organization: s.org.id, environment: null, permissions: ['users:read'] } };
    const { record: key } = await gh.apiKeys.create(asUser, s.org.id, { name: 'theirs', permissions: ['users:read'] });
    const now = new Date();
    await gh.store.appConnections.save({ id: newId('con'), organizationId: s.org.id, clientId: 'client_x', userId, scopes: ['openid'], resources: [], createdAt: now, updatedAt: now });

    const off = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })).expect(200);
    expect(off.body.active).toBe(false);
    expect((await gh.store.memberships.find(s.org.id, userId))!.disabled).toBe(true);
    expect(gh.apiKeys.status((await gh.store.apiKeys.findById(key.id))!)).toBe('revoked');
    expect(await gh.store.appConnections.find(s.org.id, 'client_x', userId)).toBeNull();
    const audit = await s.api().get('/v1/organizations/acme/audit-logs?limit=100').set('X-API-Key', s.adminKey).expect(200);
    expect(audit.body.data.find((e: { action: string; target: { id: string } | null }) => e.action === 'api_key.revoked' && e.target?.id === key.id)
      .metadata).toMatchObject({ reason: 'creator_disabled' });

    const on = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' })).expect(200);
    expect(on.body.active).toBe(true);
    expect((await gh.store.memberships.find(s.org.id, userId))!.disabled).toBe(false);
    // revoked keys stay revoked
    expect(gh.apiKeys.status((await gh.store.apiKeys.findById(key.id))!)).toBe('revoked');
  });

  it('DELETE removes a member (their keys revoked, their account kept) and forgets them', async () => {
    const { id } = await provision('gone@example.com');
    const userId = await join('gone@example.com');
    await scim.delete(`/Users/${id}`).expect(204);
    expect(await s.gatehouse.store.memberships.find(s.org.id, userId)).toBeNull();
    expect(await s.gatehouse.identity.users.get(userId)).not.toBeNull();
    await scim.get(`/Users/${id}`).expect(404);
    expect(await s.gatehouse.store.scimUsers.findById(s.org.id, id)).toBeNull();
  });

  it('deprovisioning an invited person revokes their link; reactivating mails a new one; DELETE revokes it too', async () => {
    const { id } = await provision('maybe@example.com');
    const first = await mailedLink(s.gatehouse, 'maybe@example.com');
    await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false })).expect(200);
    expect((await acceptInvitation(s.gatehouse, first, { mode: 'signup', password: PASSWORD })).status).toBe(404);
    const back = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: true })).expect(200);
    expect(back.body).toMatchObject({ active: true, 'urn:gatehouse:params:scim:schemas:extension:membership:2.0:User': { status: 'invited' } });
    const second = await mailedLink(s.gatehouse, 'maybe@example.com');
    expect(second.href).not.toBe(first.href);
    await scim.delete(`/Users/${id}`).expect(204);
    expect((await acceptInvitation(s.gatehouse, second, { mode: 'signup', password: PASSWORD })).status).toBe(404);
    expect(await s.gatehouse.identity.users.getByEmail('maybe@example.com')).toBeNull();
  });

  it('a write keeping an invited person active mails a new link once theirs no longer works', async () => {
    const { id } = await provision('lapsed@example.com');
    const record = (await s.gatehouse.store.scimUsers.findById(s.org.id, id))!;
    await s.api().delete(`/v1/organizations/acme/invitations/${record.invitationId}`).set('X-API-Key', s.adminKey).expect(204);
    const old = await mailedLink(s.gatehouse, 'lapsed@example.com');
    await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Lapsed' })).expect(200);
    const fresh = await mailedLink(s.gatehouse, 'lapsed@example.com');
    expect(fresh.href).not.toBe(old.href);
    expect((await acceptInvitation(s.gatehouse, fresh, { mode: 'signup', password: PASSWORD })).status).toBe(200);
  });

  it('a new userName for an invited person invites the new address and revokes the old link', async () => {
    const { id } = await provision('old-address@example.com');
    const old = await mailedLink(s.gatehouse, 'old-address@example.com');
    const moved = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'userName', value: 'new-address@example.com' })).expect(200);
    expect(moved.body).toMatchObject({ id, userName: 'new-address@example.com', emails: [{ value: 'new-address@example.com' }] });
    expect((await acceptInvitation(s.gatehouse, old, { mode: 'signup', password: PASSWORD })).status).toBe(404);
    await join('new-address@example.com');
    expect((await scim.get(`/Users/${id}`).expect(200)).body['urn:gatehouse:params:scim:schemas:extension:membership:2.0:User'].status).toBe('member');
  });

  it('PUT and PATCH write the organization\'s view of a member (names, external id), never their account', async () => {
    const { id } = await provision('named@example.com', { name: { givenName: 'Ann' } });
    const userId = await join('named@example.com');
    const account = await s.gatehouse.identity.users.get(userId);
    const put = await scim.put(`/Users/${id}`, scimUser('named@example.com', { name: { givenName: 'Anne', familyName: 'Bonny' }, displayName: 'Anne B', externalId: 'x-1', groups: [{ value: 'admin' }] })).expect(200);
    expect(put.body).toMatchObject({ name: { givenName: 'Anne', familyName: 'Bonny' }, displayName: 'Anne B', externalId: 'x-1', groups: [{ value: 'member' }] });
    const patched = await scim.patch(`/Users/${id}`, patchOp({ op: 'remove', path: 'name.familyName' }, { op: 'remove', path: 'externalId' })).expect(200);
    expect(patched.body.name).toEqual({ givenName: 'Anne' });
    expect(patched.body).not.toHaveProperty('externalId');
    expect(await s.gatehouse.identity.users.get(userId)).toEqual(account);
  });

  it('sees members it did not provision (by their user id) and keeps that id when it first writes to them', async () => {
    const found = await scim.get('/Users?filter=userName eq "admin@acme.test"').expect(200);
    expect(found.body.Resources[0]).toMatchObject({ id: s.adminUserId, userName: 'admin@acme.test', groups: [{ value: 'admin' }] });
    const matched = await scim.patch(`/Users/${s.adminUserId}`, patchOp({ op: 'add', path: 'externalId', value: 'entra-admin' })).expect(200);
    expect(matched.body).toMatchObject({ id: s.adminUserId, externalId: 'entra-admin' });
    expect((await scim.get('/Users?filter=externalId eq "entra-admin"').expect(200)).body.Resources[0].id).toBe(s.adminUserId);
  });

  it('a person removed through the management API is gone for SCIM too, and may be provisioned again', async () => {
    const { id } = await provision('twice@example.com', { externalId: 'ext-twice' });
    const userId = await join('twice@example.com');
    await s.api().delete(`/v1/organizations/acme/users/${userId}`).set('X-API-Key', s.adminKey).expect(204);
    await scim.get(`/Users/${id}`).expect(404);
    const again = await provision('twice@example.com', { externalId: 'ext-twice' });
    expect(again.id).not.toBe(id);
    // a member can sign in to their account: accepting by signing in
    const joined = await acceptInvitation(s.gatehouse, await mailedLink(s.gatehouse, 'twice@example.com'), { mode: 'signin', password: PASSWORD });
    expect(joined.status).toBe(200);
    expect((await s.gatehouse.store.memberships.find(s.org.id, userId))!.roles).toEqual(['member']);
  });

  it('a token holding what the member role holds provisions people; one that also holds admin\'s can make admins', async () => {
    const reads = MANAGEMENT_PERMISSIONS.filter((p) => p.endsWith(':read'));
    const narrow = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'acme', s.adminKey, [...reads, 'users:write'])).token);
    const { body } = await narrow.post('/Users', scimUser('narrow@example.com')).expect(201);
    const refused = await narrow.patch('/Groups/admin', patchOp({ op: 'add', path: 'members', value: [{ value: body.id }] }));
    expect(refused.status).toBe(403);
    await scim.patch('/Groups/admin', patchOp({ op: 'add', path: 'members', value: [{ value: body.id }] })).expect(200);
  });
});
