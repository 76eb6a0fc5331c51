import request from 'supertest';
import { OPERATOR } from '../../../src/audit/actor.js';
import { seededSuite } from '../../support/seed.js';
import { createScimToken, expectScimError, patchOp, scimClient, scimUser, SCIM_JSON, type ScimClient } from '../../support/scim.js';

/*
 * A compliance pass over the endpoints against RFC 7643/7644: discovery documents, list answers,
 * resources and their meta, media types, the error schema, filter operators and paging rules.
 */
const s = seededSuite();
let scim: ScimClient;
let token: string;
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_TYPES = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'];

beforeAll(async () => {
  token = (await createScimToken(s.gatehouse, 'acme', s.adminKey)).token;
  scim = scimClient(s.gatehouse, token);
  await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'readers', permissions: ['users:read'] });
  for (const n of [1, 2, 3, 4, 5]) await scim.post('/Users', scimUser(`c${n}@example.com`, { externalId: `c-${n}`, displayName: `Person ${n}` })).expect(201);
});

const base = () => `${s.gatehouse.config.issuer}/scim/v2`;

describe('SCIM compliance: discovery (RFC 7644 §4)', () => {
  it('ServiceProviderConfig says what is supported, and it is', async () => {
    const { body } = await scim.get('/ServiceProviderConfig').expect(200);
    expect(body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false }, sort: { supported: false }, etag: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${base()}/ServiceProviderConfig` },
    });
  });

  it('ResourceTypes lists User and Group, each also found by id', async () => {
    const { body } = await scim.get('/ResourceTypes').expect(200);
    expect(body).toMatchObject({ schemas: [LIST], totalResults: 2, itemsPerPage: 2, startIndex: 1 });
    for (const type of body.Resources) {
      expect(type).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], endpoint: `/${type.id}s`, meta: { resourceType: 'ResourceType' } });
      expect((await scim.get(`/ResourceTypes/${type.id}`).expect(200)).body).toEqual(type);
    }
    expectScimError(await scim.get('/ResourceTypes/Device'), 404);
  });

  it('Schemas describe every attribute with all its characteristics, and every schema a resource names is served', async () => {
    const { body } = await scim.get('/Schemas').expect(200);
    expect(body.Resources.map((r: { id: string }) => r.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:Group',
      'urn:gatehouse:params:scim:schemas:extension:membership:2.0:User',
    ]);
    const check = (a: Record<string, unknown>) => {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness']));
      for (const sub of (a.subAttributes as Array<Record<string, unknown>>) ?? []) check(sub);
    };
    for (const schema of body.Resources) {
      schema.attributes.forEach(check);
      expect((await scim.get(`/Schemas/${schema.id}`).expect(200)).body).toEqual(schema);
    }
    const ids = new Set(body.Resources.map((r: { id: string }) => r.id));
    const user = (await scim.get('/Users?count=1').expect(200)).body.Resources[0];
    const group = (await scim.get('/Groups?count=1').expect(200)).body.Resources[0];
    for (const named of [...user.schemas, ...group.schemas]) expect(ids.has(named)).toBe(true);
    expectScimError(await scim.get('/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'), 404);
  });
});

describe('SCIM compliance: resources and lists (RFC 7644 §3)', () => {
  it('every resource carries id, schemas and meta, and is served again at its meta.location', async () => {
    for (const path of ['/Users', '/Groups']) {
      const { body } = await scim.get(path).expect(200);
      expect(body.Resources.length).toBeGreaterThan(1);
      for (const resource of body.Resources) {
        expect(resource).toMatchObject({ id: expect.any(String), schemas: expect.any(Array), meta: { resourceType: path.slice(1, -1), location: expect.stringContaining(`${base()}${path}/`) } });
        expect(Date.parse(resource.meta.created)).not.toBeNaN();
        expect(Date.parse(resource.meta.lastModified)).not.toBeNaN();
        const again = await scim.get(resource.meta.location.slice(base().length)).expect(200);
        expect(again.body).toEqual(resource);
      }
    }
  });

  it('pages: startIndex below 1 reads as 1, count above the maximum as the maximum, a negative count as 0', async () => {
    const all = (await scim.get('/Users').expect(200)).body;
    expect(all).toMatchObject({ schemas: [LIST], startIndex: 1, itemsPerPage: all.Resources.length, totalResults: all.Resources.length });
    expect((await scim.get('/Users?startIndex=0').expect(200)).body.startIndex).toBe(1);
    expect((await scim.get('/Users?startIndex=-3&count=2').expect(200)).body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
    expect((await scim.get('/Users?count=100000').expect(200)).body.itemsPerPage).toBe(all.totalResults);
    expect((await scim.get('/Users?count=-1').expect(200)).body).toMatchObject({ itemsPerPage: 0, totalResults: all.totalResults });
    expect((await scim.get(`/Users?startIndex=${all.totalResults + 5}`).expect(200)).body).toMatchObject({ itemsPerPage: 0, Resources: [] });
  });

  it('filters with every operator, operators and attribute names without case', async () => {
    const count = async (filter: string) => (await scim.get(`/Users?filter=${encodeURIComponent(filter)}`).expect(200)).body.totalResults;
    expect(await count('userName EQ "c1@example.com"')).toBe(1);
    expect(await count('USERNAME eq "c1@example.com"')).toBe(1);
    expect(await count('userName ne "c1@example.com" and userName sw "c"')).toBe(4);
    expect(await count('userName co "3@ex"')).toBe(1);
    expect(await count('userName ew "@example.com"')).toBe(5);
    expect(await count('externalId pr')).toBe(5);
    expect(await count('not (externalId pr)')).toBe(1);
    expect(await count('meta.created gt "2000-01-01T00:00:00Z" and meta.created le "2999-01-01T00:00:00Z"')).toBe(6);
    expect(await count('meta.lastModified lt "2000-01-01T00:00:00Z" or meta.lastModified ge "2999-01-01T00:00:00Z"')).toBe(0);
    expect(await count('(externalId eq "c-1" or externalId eq "c-2") and active eq true')).toBe(2);
    expect(await count('displayName eq "PERSON 4"')).toBe(1);
    expect((await scim.get(`/Groups?filter=${encodeURIComponent('displayName sw "read"')}`).expect(200)).body.totalResults).toBe(1);
  });

  it('asks for attributes with their URN too, and always returns id and schemas', async () => {
    const { body } = await scim.get('/Users?filter=userName eq "c2@example.com"&attributes=urn:ietf:params:scim:schemas:core:2.0:User:externalId').expect(200);
    expect(body.Resources[0]).toEqual({ schemas: expect.any(Array), id: expect.any(String), externalId: 'c-2' });
  });
});

describe('SCIM compliance: media type and errors (RFC 7644 §3.1, §3.12)', () => {
  it('answers application/scim+json everywhere, successes and errors alike, and takes application/json bodies', async () => {
    const responses = [
      await scim.get('/ServiceProviderConfig'), await scim.get('/Users'), await scim.get('/Groups/admin'), await scim.get('/Users/scu_none'),
      await scim.get('/Users?filter=bad'), await scim.patch('/Users/scu_none', patchOp({ op: 'add', path: 'active', value: true })),
      await request(s.gatehouse.app.callback()).get('/scim/v2/Users'),
    ];
    for (const res of responses) expect(res.type).toBe(SCIM_JSON);
    const plain = await request(s.gatehouse.app.callback()).post('/scim/v2/Users').set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json').send(scimUser('plain@example.com'));
    expect(plain.status).toBe(201);
    expect(plain.type).toBe(SCIM_JSON);
  });

  it('every error is in the error schema: status as a string, a scimType from the RFC\'s list when there is one', async () => {
    const errors = [
      await scim.get('/Users?filter=userName zz "x"'), await scim.post('/Users', {}), await scim.post('/Users', scimUser('c1@example.com')),
      await scim.patch('/Users/scu_none', {}), await scim.get('/Groups/none'), await scim.delete('/Groups/admin'),
    ];
    for (const res of errors) {
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(res.body.status).toBe(String(res.status));
      if (res.body.scimType !== undefined) expect(SCIM_TYPES).toContain(res.body.scimType);
      expect(res.text).not.toMatch(/stack|at .*\.ts/);
    }
  });
});
