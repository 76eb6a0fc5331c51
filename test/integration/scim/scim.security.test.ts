import { jest } from '@jest/globals';
import request from 'supertest';
import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { generateScimToken } from '../../../src/scim/tokens/format.js';
import { acceptInvitation, mailedLink } from '../../support/invitations.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';
import { createScimToken, expectScimError, patchOp, scimClient, scimUser, type ScimClient } from '../../support/scim.js';

const s = seededSuite();
const BOB_PASSWORD = 'bob has a long password';
let acme: ScimClient;
let globexId: string;
let bobId: string;

beforeAll(async () => {
  acme = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'acme', s.adminKey)).token);
  globexId = (await seedOrganization(s.gatehouse, 'globex')).id;
  bobId = (await s.gatehouse.identity.users.create({ email: 'bob@globex.test', password: BOB_PASSWORD, name: 'Bob', organizationId: globexId, roles: ['admin'] })).user.id;
});

/** A response with what differs for every provisioning (ids, addresses, times) blanked. */
const shapeOf = (body: Record<string, any>) => JSON.parse(JSON.stringify(body)
  .replace(/scu_[0-9a-z]+/g, 'ID').replace(/"[^"]+@[^"]+"/g, '"EMAIL"').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME'));

describe('SCIM: an organization provisions its own people, and takes over nobody', () => {
  it('provisioning the email of another organization\'s member answers as for a new email and attaches, reveals and changes nothing', async () => {
    const taken = await acme.post('/Users', scimUser('bob@globex.test', { name: { givenName: 'Mallory' }, displayName: 'Mallory', password: 'chosen-by-attacker' }));
    const fresh = await acme.post('/Users', scimUser('newcomer@example.com', { name: { givenName: 'Mallory' }, displayName: 'Mallory', password: 'chosen-by-attacker' }));
    expect(taken.status).toBe(201);
    expect(shapeOf(taken.body)).toEqual(shapeOf(fresh.body));
    expect(taken.body['urn:gatehouse:params:scim:schemas:extension:membership:2.0:User']).toEqual({ status: 'invited' });

    const gh = s.gatehouse;
    expect(await gh.store.memberships.find(s.org.id, bobId)).toBeNull();
    const account = (await gh.identity.users.get(bobId))!;
    expect(account).toMatchObject({ name: 'Bob', email: 'bob@globex.test' });
    expect(await gh.identity.users.verifyPassword('bob@globex.test', 'chosen-by-attacker')).toBeNull();
    expect(await gh.identity.users.verifyPassword('bob@globex.test', BOB_PASSWORD)).not.toBeNull();
    // the passwordless newcomer has no account at all
    expect(await gh.identity.users.getByEmail('newcomer@example.com')).toBeNull();

    // acme's view of "bob" is its own invited record, never his account
    const found = await acme.get('/Users?filter=userName eq "bob@globex.test"').expect(200);
    expect(found.body.Resources).toHaveLength(1);
    expect(found.body.Resources[0]).toMatchObject({ id: taken.body.id, displayName: 'Mallory' });
    // the invitation goes to bob; without his password it cannot be accepted for him
    const link = await mailedLink(gh, 'bob@globex.test');
    expect((await acceptInvitation(gh, link, { mode: 'signin', password: 'chosen-by-attacker' })).text).toContain('Incorrect password');
    expect((await acceptInvitation(gh, link, { mode: 'signup', password: 'chosen-by-attacker' })).text).not.toContain('You joined');
    expect(await gh.identity.users.verifyPassword('bob@globex.test', 'chosen-by-attacker')).toBeNull();
    expect(await gh.store.memberships.find(s.org.id, bobId)).toBeNull();
  });

  it('another organization\'s people do not exist for a token: the answers are those for ids that exist nowhere', async () => {
    const nowhere = newId('usr');
    for (const id of [bobId, nowhere]) {
      expectScimError(await acme.get(`/Users/${id}`), 404);
      expectScimError(await acme.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })), 404);
      expectScimError(await acme.delete(`/Users/${id}`), 404);
    }
    const viaGroup = async (id: string) => (await acme.patch('/Groups/admin', patchOp({ op: 'add', path: 'members', value: [{ value: id }] }))).body;
    expect((await viaGroup(bobId)).detail.replace(bobId, 'X')).toBe((await viaGroup(nowhere)).detail.replace(nowhere, 'X'));
    expect((await acme.get(`/Users?filter=id eq "${bobId}"`).expect(200)).body.totalResults).toBe(0);
    expect((await acme.get('/Users').expect(200)).body.Resources.map((u: { id: string }) => u.id)).not.toContain(bobId);
    expect((await s.gatehouse.store.memberships.find(globexId, bobId))!.disabled).toBe(false);
  });

  it('once the person joins by signing in, the organization changes only its own membership and view of them', async () => {
    const gh = s.gatehouse;
    const { body } = await acme.get('/Users?filter=userName eq "bob@globex.test"').expect(200);
    const id = body.Resources[0].id;
    const joined = await acceptInvitation(gh, await mailedLink(gh, 'bob@globex.test'), { mode: 'signin', password: BOB_PASSWORD });
    expect(joined.status).toBe(200);
    expectScimError(await acme.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'userName', value: 'mallory@evil.test' })), 400, 'mutability');
    await acme.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { 'name.givenName': 'Renamed', displayName: 'Renamed', active: false } })).expect(200);
    expect(await gh.identity.users.get(bobId)).toMatchObject({ name: 'Bob', email: 'bob@globex.test', disabled: false });
    expect((await gh.store.memberships.find(s.org.id, bobId))!.disabled).toBe(true);
    expect((await gh.store.memberships.find(globexId, bobId))!.disabled).toBe(false);
    await acme.delete(`/Users/${id}`).expect(204);
    expect(await gh.store.memberships.find(s.org.id, bobId)).toBeNull();
    expect(await gh.store.memberships.find(globexId, bobId)).not.toBeNull();
    expect(await gh.identity.users.verifyPassword('bob@globex.test', BOB_PASSWORD)).not.toBeNull();
  });

  it('a token of one organization lists and changes none of another\'s', async () => {
    const globexKey = (await mintKey(s.gatehouse, globexId, MANAGEMENT_PERMISSIONS)).key;
    const globex = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'globex', globexKey)).token);
    const listed = (await globex.get('/Users').expect(200)).body.Resources.map((u: { userName: string }) => u.userName);
    expect(listed).toEqual(['bob@globex.test']);
    const acmeOnes = (await acme.get('/Users').expect(200)).body.Resources;
    for (const u of acmeOnes) expectScimError(await globex.get(`/Users/${u.id}`), 404);
    const role = await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'acme-only', permissions: [] });
    expectScimError(await globex.get(`/Groups/${role.id}`), 404);
    expectScimError(await globex.delete(`/Groups/${role.id}`), 404);
  });
});

describe('SCIM: only SCIM tokens, and only valid ones', () => {
  it('refuses API keys, OAuth access tokens, query parameters and other headers (401, WWW-Authenticate)', async () => {
    const app = () => request(s.gatehouse.app.callback());
    const client = await s.gatehouse.oauth.clients.create(OPERATOR, s.org.id, { name: 'robot', grant_types: ['client_credentials'], redirect_uris: [], permissions: [...MANAGEMENT_PERMISSIONS] });
    const jwt = (await app().post('/token').type('form').send({
      grant_type: 'client_credentials', client_id: client.client.clientId, client_secret: client.client_secret, scope: 'users:read users:write',
    }).expect(200)).body.access_token as string;
    const { token } = await createScimToken(s.gatehouse, 'acme', s.adminKey);
    for (const [what, call] of [
      ['an API key as bearer', app().get('/scim/v2/Users').set('Authorization', `Bearer ${s.adminKey}`)],
      ['an API key header', app().get('/scim/v2/Users').set('X-API-Key', s.adminKey)],
      ['a SCIM token in X-API-Key', app().get('/scim/v2/Users').set('X-API-Key', token)],
      ['an OAuth access token', app().get('/scim/v2/Users').set('Authorization', `Bearer ${jwt}`)],
      ['a SCIM token in the query', app().get(`/scim/v2/Users?access_token=${token}`)],
      ['Basic authentication', app().get('/scim/v2/Users').auth('acme', token)],
      ['nothing', app().get('/scim/v2/ServiceProviderConfig')],
    ] as const) {
      const res = await call;
      expectScimError(res, 401);
      expect([what, res.headers['www-authenticate']]).toEqual([what, expect.stringContaining('Bearer')]);
    }
  });

  it('refuses a forged token without reading the store, and a revoked or expired one', async () => {
    const gh = s.gatehouse;
    const { token, id } = await createScimToken(gh, 'acme', s.adminKey);
    const forged = token.slice(0, 12) + (token[12] === 'A' ? 'B' : 'A') + token.slice(13);
    const lookups = jest.spyOn(gh.store.scimTokens, 'findByDigest');
    expectScimError(await scimClient(gh, forged).get('/Users'), 401);
    expectScimError(await scimClient(gh, generateScimToken(new (await import('../../../src/domain/secrets.js')).Secrets('b'.repeat(43))).token).get('/Users'), 401);
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();

    const expired = generateScimToken(gh.secrets);
    const long = new Date(Date.now() - 86_400_000);
    await gh.store.scimTokens.create({
      id: newId('sct'), organizationId: s.org.id, name: 'old', digest: expired.digest, start: expired.start, permissions: [...MANAGEMENT_PERMISSIONS],
      createdBy: 'cli', createdAt: long, updatedAt: long, expiresAt: new Date(Date.now() - 1000), revokedAt: null, lastUsedAt: null,
    });
    expectScimError(await scimClient(gh, expired.token).get('/Users'), 401);
    await scimClient(gh, token).get('/Users').expect(200);
    await s.api().delete(`/v1/organizations/acme/scim-tokens/${id}`).set('X-API-Key', s.adminKey).expect(204);
    expectScimError(await scimClient(gh, token).get('/Users'), 401);
  });

  it('a token without a route\'s permission is refused (403 insufficient_scope) and changes nothing', async () => {
    const reader = scimClient(s.gatehouse, (await createScimToken(s.gatehouse, 'acme', s.adminKey, ['users:read'])).token);
    await reader.get('/Users').expect(200);
    expectScimError(await reader.get('/Groups'), 403);
    expectScimError(await reader.post('/Users', scimUser('nope@example.com')), 403);
    expectScimError(await reader.patch(`/Users/${s.adminUserId}`, patchOp({ op: 'replace', value: { active: false } })), 403);
    expectScimError(await reader.delete(`/Users/${s.adminUserId}`), 403);
    const res = await reader.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'x' });
    expect(res.body.detail).toMatch(/^insufficient_scope/);
  });
});

describe('SCIM: a token never makes or touches anyone stronger than its creator gave it', () => {
  let weak: ScimClient;
  let billingHolder: string;

  beforeAll(async () => {
    const gh = s.gatehouse;
    await gh.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
    await gh.identity.roles.create(OPERATOR, s.org.id, { name: 'billing', permissions: ['invoices:read', 'invoices:write'] });
    billingHolder = (await gh.identity.users.create({ email: 'cfo@acme.test', password: 'a long enough password', organizationId: s.org.id, roles: ['billing'] })).user.id;
    // every :read permission (what `member` holds) and users:write, roles:write; not invoices:write, not admin's
    const reads = (await gh.identity.permissions.vocabulary(s.org.id)).filter((p) => p.endsWith(':read'));
    weak = scimClient(gh, (await createScimToken(gh, 'acme', (await mintKey(gh, s.org.id, [...MANAGEMENT_PERMISSIONS, 'invoices:read', 'invoices:write'])).key,
      [...reads, 'users:write', 'roles:write'])).token);
  });

  it('refuses each escalation with 403 permission_escalation and leaves the store as it was', async () => {
    const { body: invited } = await weak.post('/Users', scimUser('climber@example.com')).expect(201);
    const billing = (await s.gatehouse.identity.roles.get(s.org.id, 'billing')).id;
    const attempts: Array<[string, () => Promise<request.Response>]> = [
      ['make someone an admin', () => weak.patch('/Groups/admin', patchOp({ op: 'add', path: 'members', value: [{ value: invited.id }] }))],
      ['give a role holding invoices:write', () => weak.patch(`/Groups/${billing}`, patchOp({ op: 'add', path: 'members', value: [{ value: invited.id }] }))],
      ['take the billing role away', () => weak.patch(`/Groups/${billing}`, patchOp({ op: 'remove', path: `members[value eq "${billingHolder}"]` }))],
      ['replace the admins', () => weak.put('/Groups/admin', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'admin', members: [{ value: invited.id }] })],
      ['deprovision an admin', () => weak.patch(`/Users/${s.adminUserId}`, patchOp({ op: 'replace', value: { active: false } }))],
      ['delete an admin', () => weak.delete(`/Users/${s.adminUserId}`)],
      ['rename a stronger member', () => weak.patch(`/Users/${billingHolder}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' }))],
      ['delete a role holding more', () => weak.delete(`/Groups/${billing}`)],
    ];
    const db = s.gatehouse.store;
    for (const [what, attempt] of attempts) {
      const before = JSON.stringify([await db.memberships.find(s.org.id, s.adminUserId), await db.memberships.find(s.org.id, billingHolder),
        await db.scimUsers.findById(s.org.id, invited.id), await db.roles.findByName(s.org.id, 'billing')]);
      const res = await attempt();
      expect([what, res.status, res.body.detail?.split(':')[0]]).toEqual([what, 403, 'permission_escalation']);
      const after = JSON.stringify([await db.memberships.find(s.org.id, s.adminUserId), await db.memberships.find(s.org.id, billingHolder),
        await db.scimUsers.findById(s.org.id, invited.id), await db.roles.findByName(s.org.id, 'billing')]);
      expect([what, after]).toEqual([what, before]);
    }
  });

  it('a Group change refused for one person changes nobody (every change is checked first)', async () => {
    const gh = s.gatehouse;
    const { body: a } = await weak.post('/Users', scimUser('first@example.com')).expect(201);
    const strong = (await gh.identity.users.create({ email: 'strong@acme.test', password: 'a long enough password', organizationId: s.org.id, roles: ['member', 'billing'] })).user.id;
    // replacing `member`'s holders would take it from `a` (fine) and from a stronger member (refused): neither happens
    const res = await weak.patch('/Groups/member', patchOp({ op: 'replace', path: 'members', value: [] }));
    expect(res.status).toBe(403);
    expect((await gh.store.scimUsers.findById(s.org.id, a.id))!.roles).toEqual(['member']);
    expect((await gh.store.memberships.find(s.org.id, strong))!.roles).toEqual(['member', 'billing']);
  });
});
