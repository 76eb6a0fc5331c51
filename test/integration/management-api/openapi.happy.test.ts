import { seededSuite } from '../../support/seed.js';

const s = seededSuite();
let doc: any;
beforeAll(async () => {
  const res = await s.api().get('/openapi.json').expect(200);
  expect(res.type).toBe('application/json');
  doc = res.body;
});

const ROUTES = [
  ['post', '/v1/organizations', 'organizations:write'],
  ['get', '/v1/organizations', 'organizations:read'],
  ['get', '/v1/organizations/{org}', 'organizations:read'],
  ...['api_keys', 'roles', 'resources', 'clients'].flatMap((noun) => {
    const base = `/v1/organizations/{org}/${noun.replace('_', '-')}`;
    return [
      ['post', base, `${noun}:write`], ['get', base, `${noun}:read`], ['get', `${base}/{id}`, `${noun}:read`],
      ['patch', `${base}/{id}`, `${noun}:write`], ['delete', `${base}/{id}`, `${noun}:write`],
    ];
  }),
  // members join by invitation only: no POST …/users
  ['get', '/v1/organizations/{org}/users', 'users:read'], ['get', '/v1/organizations/{org}/users/{id}', 'users:read'],
  ['patch', '/v1/organizations/{org}/users/{id}', 'users:write'], ['delete', '/v1/organizations/{org}/users/{id}', 'users:write'],
  ['post', '/v1/organizations/{org}/invitations', 'users:write'], ['get', '/v1/organizations/{org}/invitations', 'users:read'],
  ['get', '/v1/organizations/{org}/invitations/{id}', 'users:read'], ['delete', '/v1/organizations/{org}/invitations/{id}', 'users:write'],
  ['post', '/v1/organizations/{org}/api-keys/{id}/rotate', 'api_keys:write'],
  ['get', '/v1/organizations/{org}/api-keys/{id}/usage', 'api_keys:read'],
  ['post', '/v1/organizations/{org}/clients/{id}/rotate-secret', 'clients:write'],
  ['get', '/v1/organizations/{org}/audit-logs', 'audit:read'],
  ['post', '/v1/api-keys', 'api_keys:write'],
];

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document served without credentials', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe(s.gatehouse.config.issuer);
  });

  it.each(ROUTES)('describes %s %s with its permission', (method, path, permission) => {
    const op = doc.paths[path]?.[method];
    expect(op).toBeDefined();
    expect(op['x-permission']).toBe(permission);
    expect(op.description).toContain(permission);
    expect(op.responses['401']).toBeDefined();
  });

  it('derives request bodies from the same strict schemas the routes validate with', () => {
    const body = doc.paths['/v1/organizations/{org}/api-keys'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['name', 'permissions']);
    expect(Object.keys(body.properties)).toEqual(['name', 'permissions', 'environment', 'expires_in', 'ip_allowlist', 'rate_limit', 'metadata']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.environment.enum).toEqual(['live', 'test']);
  });

  it('offers no way to attach an account or set a password: members are invited', () => {
    expect(doc.paths['/v1/organizations/{org}/users'].post).toBeUndefined();
    const invite = doc.paths['/v1/organizations/{org}/invitations'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(invite.properties)).toEqual(['email', 'roles']);
    expect(JSON.stringify(doc)).not.toMatch(/"password"/);
  });

  it('documents responses, query parameters and never a digest', () => {
    const created = doc.paths['/v1/organizations/{org}/api-keys'].post.responses['201'].content['application/json'].schema;
    expect(created.properties.key).toBeDefined();
    const list = doc.paths['/v1/organizations/{org}/api-keys'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['org', 'limit', 'cursor', 'status']);
    expect(list.responses['200'].content['application/json'].schema.properties.data.items.properties.key).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('"digest"');
    expect(doc.paths['/v1/organizations/{org}/api-keys/{id}'].delete.responses['204']).toBeDefined();
  });
});
