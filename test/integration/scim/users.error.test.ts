import request from 'supertest';
import { acceptInvitation, mailedLink } from '../../support/invitations.js';
import { seededSuite } from '../../support/seed.js';
import { createScimToken, expectScimError, patchOp, scimClient, scimUser, type ScimClient } from '../../support/scim.js';

const s = seededSuite();
let scim: ScimClient;
let token: string;

beforeAll(async () => {
  token = (await createScimToken(s.gatehouse, 'acme', s.adminKey)).token;
  scim = scimClient(s.gatehouse, token);
});

describe('SCIM Users: errors in SCIM\'s error schema', () => {
  it.each([
    ['no userName', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }, 'invalidValue'],
    ['a userName that is not an email', scimUser('Test_User_ab6490ee'), 'invalidValue'],
    ['another resource\'s schemas', { ...scimUser('a@example.com'), schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] }, 'invalidSyntax'],
    ['an active that is no boolean', { ...scimUser('a@example.com'), active: 'maybe' }, 'invalidValue'],
    ['a name that is no object', { ...scimUser('a@example.com'), name: 'Ada' }, 'invalidValue'],
    ['an over-long externalId', { ...scimUser('a@example.com'), externalId: 'x'.repeat(300) }, 'invalidValue'],
    ['a displayName with control characters', { ...scimUser('a@example.com'), displayName: 'A\u0007' }, 'invalidValue'],
  ])('POST with %s is a 400', async (_what, body, scimType) => {
    expectScimError(await scim.post('/Users', body), 400, scimType);
  });

  it('refuses malformed JSON (invalidSyntax) and a body that is not JSON (415), in the error schema', async () => {
    const agent = () => request(s.gatehouse.app.callback()).post('/scim/v2/Users').set('Authorization', `Bearer ${token}`);
    expectScimError(await agent().set('Content-Type', 'application/scim+json').send('{"userName": '), 400, 'invalidSyntax');
    expectScimError(await agent().set('Content-Type', 'text/plain').send('userName=a'), 415);
  });

  it('a second User with the same userName or externalId is a 409 uniqueness, invited or member', async () => {
    await scim.post('/Users', scimUser('dup@example.com', { externalId: 'dup-ext' })).expect(201);
    expectScimError(await scim.post('/Users', scimUser('DUP@example.com')), 409, 'uniqueness');
    expectScimError(await scim.post('/Users', scimUser('other@example.com', { externalId: 'dup-ext' })), 409, 'uniqueness');
    expectScimError(await scim.post('/Users', scimUser('admin@acme.test')), 409, 'uniqueness');
    const { body } = await scim.post('/Users', scimUser('second@example.com')).expect(201);
    expectScimError(await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', path: 'externalId', value: 'dup-ext' })), 409, 'uniqueness');
    expectScimError(await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', path: 'userName', value: 'dup@example.com' })), 409, 'uniqueness');
  });

  it('a member\'s userName is their account\'s: changing it is a 400 mutability', async () => {
    const { body } = await scim.post('/Users', scimUser('fixed@example.com')).expect(201);
    await acceptInvitation(s.gatehouse, await mailedLink(s.gatehouse, 'fixed@example.com'), { mode: 'signup', password: 'a long enough password' });
    expectScimError(await scim.patch(`/Users/${body.id}`, patchOp({ op: 'Replace', path: 'userName', value: 'attacker@evil.test' })), 400, 'mutability');
    expectScimError(await scim.put(`/Users/${body.id}`, scimUser('attacker@evil.test')), 400, 'mutability');
    expect((await s.gatehouse.identity.users.getByEmail('fixed@example.com'))).not.toBeNull();
  });

  it('groups, id and meta are read-only in a PATCH (400 mutability); a PATCH body must be a PatchOp', async () => {
    const { body } = await scim.post('/Users', scimUser('ro@example.com')).expect(201);
    expectScimError(await scim.patch(`/Users/${body.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: 'admin' }] })), 400, 'mutability');
    expectScimError(await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', path: 'id', value: 'mine' })), 400, 'mutability');
    expectScimError(await scim.patch(`/Users/${body.id}`, { Operations: 'replace' }), 400, 'invalidSyntax');
    expectScimError(await scim.patch(`/Users/${body.id}`, patchOp({ op: 'remove', path: 'emails[type eq "work"' })), 400, 'invalidPath');
  });

  it('an organization always keeps an enabled admin: deprovisioning or deleting the last one is a 409', async () => {
    const off = await scim.patch(`/Users/${s.adminUserId}`, patchOp({ op: 'replace', value: { active: false } }));
    expectScimError(off, 409);
    expect(off.body.detail).toMatch(/^last_admin: /);
    expectScimError(await scim.delete(`/Users/${s.adminUserId}`), 409);
    expect((await s.gatehouse.store.memberships.find(s.org.id, s.adminUserId))!.disabled).toBe(false);
  });

  it('answers 404 for an unknown User and endpoint, 405 with Allow for a method, 501 for what it does not implement', async () => {
    expectScimError(await scim.get('/Users/scu_nothing'), 404);
    expectScimError(await scim.patch('/Users/scu_nothing', patchOp({ op: 'replace', value: { active: false } })), 404);
    expectScimError(await scim.delete('/Users/usr_nothing'), 404);
    expectScimError(await scim.get('/Nothing'), 404);
    const wrong = await scim.post('/Users/scu_nothing', {});
    expectScimError(wrong, 405);
    expect(wrong.headers.allow).toContain('PATCH');
    expectScimError(await scim.get('/Me'), 501);
    expectScimError(await scim.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
    expectScimError(await scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }), 501);
  });

  it('refuses a bad filter (invalidFilter), a non-integer startIndex and a repeated parameter (invalidValue)', async () => {
    expectScimError(await scim.get('/Users?filter=title eq "boss"'), 400, 'invalidFilter');
    expectScimError(await scim.get('/Users?filter=userName eq'), 400, 'invalidFilter');
    expectScimError(await scim.get('/Users?startIndex=first'), 400, 'invalidValue');
    expectScimError(await scim.get('/Users?count=1&count=2'), 400, 'invalidValue');
  });

  it('too many invitations in a window is a 429 with Retry-After, and nothing is kept', async () => {
    const limited = await (await import('../../support/seed.js')).seed({ invitations: { perOrganization: { limit: 1, windowSeconds: 3600 } } });
    try {
      const client = scimClient(limited.gatehouse, (await createScimToken(limited.gatehouse, 'acme', limited.adminKey)).token);
      await client.post('/Users', scimUser('one@example.com')).expect(201);
      const res = await client.post('/Users', scimUser('two@example.com'));
      expectScimError(res, 429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect((await client.get('/Users?filter=userName eq "two@example.com"')).body.totalResults).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
