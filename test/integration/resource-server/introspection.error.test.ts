import { basic, introspectionFixture } from './introspection-fixture.js';
import { OPERATOR } from '../../../src/audit/actor.js';

describe('POST /token/introspection for API keys: client authentication errors', () => {
  let f: Awaited<ReturnType<typeof introspectionFixture>>;
  let key: string;
  let rs: { id: string; secret: string };
  beforeAll(async () => {
    f = await introspectionFixture();
    rs = await f.client(f.acme.id);
    key = (await f.key(f.acme.id)).key;
  });
  afterAll(() => f.close());

  it('answers 401 invalid_client without client authentication', async () => {
    const res = await f.introspect({ token: key }).expect(401);
    expect(res.body.error).toBe('invalid_client');
    expect(JSON.stringify(res.body)).not.toContain(key);
  });

  it('answers 401 invalid_client with a wrong secret, by either method', async () => {
    expect((await f.introspect({ token: key }, basic(rs.id, 'wrong')).expect(401)).body.error).toBe('invalid_client');
    expect((await f.introspect({ token: key, client_id: rs.id, client_secret: 'wrong' }).expect(401)).body.error).toBe('invalid_client');
    expect((await f.introspect({ token: key }, basic('client_nope', 'x')).expect(401)).body.error).toBe('invalid_client');
  });

  it('answers 400 invalid_request when two authentication methods are used at once', async () => {
    const res = await f.introspect({ token: key, client_id: rs.id, client_secret: rs.secret }, basic(rs.id, rs.secret)).expect(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a public client (it has no secret)', async () => {
    const { client } = await f.gh.oauth.clients.create(OPERATOR, f.acme.id, { name: 'SPA', public: true, redirect_uris: ['http://127.0.0.1:9/cb'], grant_types: ['authorization_code'] });
    expect((await f.introspect({ token: key, client_id: client.clientId, client_secret: 'anything' }).expect(401)).body.error).toBe('invalid_client');
  });
});
