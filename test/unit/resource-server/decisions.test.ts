import request from 'supertest';
import { fixture, type Fixture } from './fixtures.js';

/** [permissions held, method, path, expected status] */
const CASES: Array<[string[], 'get' | 'post', string, number]> = [
  [['invoices:read'], 'get', '/things', 200],
  [['invoices:read'], 'post', '/things', 403],
  [['invoices:read'], 'post', '/things/write', 403],
  [['invoices:write'], 'get', '/things', 403],
  [['invoices:write'], 'post', '/things/write', 200],
  [['invoices:read', 'invoices:write'], 'post', '/things/write', 200],
  [['invoices:*'], 'get', '/things', 200],
  [['invoices:*'], 'post', '/things/write', 200],
  [['orders:read'], 'get', '/things', 403],
  [[], 'get', '/things', 403],
];

describe('a JWT and an API key with the same permissions get the same decisions', () => {
  let f: Fixture;
  beforeAll(async () => { f = await fixture(); });
  afterAll(() => f.close());

  it.each(CASES)('holding %j: %s %s → %i', async (permissions, method, path, expected) => {
    const { key } = await f.addKey({ permissions });
    const jwt = await f.signer.mint({ scope: ['openid', ...permissions].join(' ') });
    const byKey = await request(f.app.callback())[method](path).set('X-API-Key', key);
    const byJwt = await request(f.app.callback())[method](path).set('Authorization', `Bearer ${jwt}`);
    expect([byKey.status, byKey.body.code]).toEqual([byJwt.status, byJwt.body.code]);
    expect(byKey.status).toBe(expected);
  });
});
