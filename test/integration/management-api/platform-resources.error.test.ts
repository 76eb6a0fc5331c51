import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

const server = () => ({ 'X-API-Key': s.serverKey });

describe('platform resources: bad requests', () => {
  it('names each bad field (400): identifier, a reserved noun, a malformed permission, an unknown field', async () => {
    const res = await s.api().post('/v1/resources').set(server()).send({ identifier: 'not a uri', permissions: ['users:read', 'Bad'], extra: 1 });
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['extra']);
    const again = await s.api().post('/v1/resources').set(server()).send({ identifier: 'not a uri', permissions: ['users:read', 'Bad'] });
    expect(again.body.errors.map((e: { field: string }) => e.field)).toEqual(['identifier', 'permissions[1]']);
    const reserved = await s.api().post('/v1/resources').set(server()).send({ identifier: 'https://users.platform.test', permissions: ['users:read'] });
    expect(reserved.body.errors).toEqual([{ field: 'permissions', message: '"users:read" uses a noun reserved for the management API' }]);
  });

  it('refuses an identifier already registered, platform or not (409 resource_exists)', async () => {
    await s.api().post('/v1/organizations/acme/resources').set('X-API-Key', s.adminKey).send({ identifier: 'https://taken.test', permissions: ['taken:read'] }).expect(201);
    const res = await s.api().post('/v1/resources').set(server()).send({ identifier: 'https://taken.test', permissions: ['other:read'] });
    expect([res.status, res.body.code]).toEqual([409, 'resource_exists']);
  });

  it('refuses nouns on the other side of the line (409 permission_conflict), both ways', async () => {
    const platform = await s.api().post('/v1/resources').set(server()).send({ identifier: 'https://builds.platform.test', permissions: ['builds:read'] });
    expect(platform.status).toBe(201);
    const own = await s.api().post('/v1/organizations/acme/resources').set('X-API-Key', s.adminKey).send({ identifier: 'https://builds.acme.test', permissions: ['builds:purge'] });
    expect([own.status, own.body.code]).toEqual([409, 'permission_conflict']);
    expect(own.body.detail).toContain('"builds" belongs to the platform API https://builds.platform.test');
    const taken = await s.api().post('/v1/resources').set(server()).send({ identifier: 'https://taken2.platform.test', permissions: ['taken:write'] });
    expect([taken.status, taken.body.code]).toEqual([409, 'permission_conflict']);
  });

  it('answers 404 for an unknown id and 405 for a method the path does not take', async () => {
    const res = await s.api().get('/v1/resources/res_missing').set(server());
    expect([res.status, res.body.code]).toEqual([404, 'not_found']);
    expect((await s.api().put('/v1/resources').set(server()).send({})).status).toBe(405);
  });
});
