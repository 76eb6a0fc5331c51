import { Writable } from 'node:stream';
import { digestApiKey, generateApiKey } from '../../../src/domain/api-keys/format.js';
import { newId } from '../../../src/domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { createLogger } from '../../../src/ops/logger.js';
import { mintKey, seededSuite, seedOrganization } from '../../support/seed.js';

let logs = '';
let globexAdmin: string;
const sink = new Writable({ write(chunk, _enc, done) { logs += chunk.toString(); done(); } });
const s = seededSuite({}, { logger: createLogger('info', sink) });

beforeAll(async () => {
  await s.gatehouse.identity.organizations.update(s.org.id, { plan: 'pro' });
  const globex = await seedOrganization(s.gatehouse, 'globex');
  globexAdmin = (await mintKey(s.gatehouse, globex.id, MANAGEMENT_PERMISSIONS)).key;
});

const as = (key: string) => ({ 'X-API-Key': key });
const createIn = (org: string, key: string, body: object) => s.api().post(`/v1/organizations/${org}/api-keys`).set(as(key)).send(body);

describe('API keys: no escalation', () => {
  it('a key with api_keys:write but not users:write cannot mint a key with users:write', async () => {
    const limited = await mintKey(s.gatehouse, s.org.id, ['api_keys:write', 'api_keys:read']);
    const res = await createIn('acme', limited.key, { name: 'sneaky', permissions: ['api_keys:read', 'users:write'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('permission_escalation');
    expect(res.body.detail).toContain('users:write');
    expect(res.body.detail).not.toContain('api_keys:read');
  });

  it('cannot widen a key on PATCH, but may narrow one within its own permissions', async () => {
    const limited = await mintKey(s.gatehouse, s.org.id, ['api_keys:write', 'api_keys:read']);
    const { body: child } = await createIn('acme', limited.key, { name: 'child', permissions: ['api_keys:read', 'api_keys:write'] }).expect(201);
    const widen = await s.api().patch(`/v1/organizations/acme/api-keys/${child.id}`).set(as(limited.key)).send({ permissions: ['api_keys:read', 'roles:write'] });
    expect(widen.status).toBe(403);
    const narrowed = await s.api().patch(`/v1/organizations/acme/api-keys/${child.id}`).set(as(limited.key)).send({ permissions: ['api_keys:read'] });
    expect(narrowed.status).toBe(200);
  });

  it('cannot narrow, unfence or revoke a key stronger than itself (403), and the key stays as it was', async () => {
    const limited = await mintKey(s.gatehouse, s.org.id, ['api_keys:write', 'api_keys:read']);
    const strong = await mintKey(s.gatehouse, s.org.id, ['users:write', 'users:read'], { ipAllowlist: ['10.0.0.0/8'] });
    const before = await s.gatehouse.store.apiKeys.findById(strong.id);
    for (const res of [
      await s.api().patch(`/v1/organizations/acme/api-keys/${strong.id}`).set(as(limited.key)).send({ permissions: ['api_keys:read'] }),
      await s.api().patch(`/v1/organizations/acme/api-keys/${strong.id}`).set(as(limited.key)).send({ ip_allowlist: [], rate_limit: null }),
      await s.api().delete(`/v1/organizations/acme/api-keys/${strong.id}`).set(as(limited.key)),
    ]) expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
    expect(await s.gatehouse.store.apiKeys.findById(strong.id)).toEqual(before);
  });

  it('cannot obtain a stronger key by rotating one', async () => {
    const limited = await mintKey(s.gatehouse, s.org.id, ['api_keys:write', 'api_keys:read']);
    const strong = await mintKey(s.gatehouse, s.org.id, ['users:write']);
    const res = await s.api().post(`/v1/organizations/acme/api-keys/${strong.id}/rotate`).set(as(limited.key)).send({});
    expect(res.status).toBe(403);
  });

  it('a test key cannot mint a live key', async () => {
    const testKey = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    expect((await createIn('acme', testKey.key, { name: 'live', permissions: ['api_keys:read'] })).status).toBe(403);
    expect((await createIn('acme', testKey.key, { name: 'test', permissions: ['api_keys:read'], environment: 'test' })).status).toBe(201);
  });

  it('an organization key cannot create server-scoped keys nor organizations', async () => {
    expect((await s.api().post('/v1/api-keys').set(as(s.adminKey)).send({ name: 'x', permissions: ['api_keys:read'] })).status).toBe(403);
    expect((await s.api().post('/v1/organizations').set(as(s.adminKey)).send({ slug: 'mine' })).status).toBe(403);
  });
});

describe('API keys: tenancy and permissions', () => {
  it("answers 404 for another organization's keys and for the organization itself", async () => {
    const acmeKey = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    for (const [method, path] of [
      ['get', '/v1/organizations/acme/api-keys'], ['get', `/v1/organizations/acme/api-keys/${acmeKey.id}`],
      ['patch', `/v1/organizations/acme/api-keys/${acmeKey.id}`], ['delete', `/v1/organizations/acme/api-keys/${acmeKey.id}`],
      ['get', `/v1/organizations/${s.org.id}`],
    ] as const) {
      const res = await s.api()[method](path).set(as(globexAdmin)).send(method === 'patch' ? { name: 'x' } : undefined as never);
      expect([path, res.status]).toEqual([path, 404]);
    }
    // an acme key id addressed through globex's own path is not found either
    await s.api().get(`/v1/organizations/globex/api-keys/${acmeKey.id}`).set(as(globexAdmin)).expect(404);
    await s.api().get(`/v1/organizations/acme/api-keys/${acmeKey.id}`).set(as(s.adminKey)).expect(200);
  });

  it('answers 403 insufficient_scope naming the missing permission', async () => {
    const reader = await mintKey(s.gatehouse, s.org.id, ['users:read']);
    const res = await s.api().get('/v1/organizations/acme/api-keys').set(as(reader.key));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('api_keys:read');
  });

  it('refuses writes to a read-only key with 403', async () => {
    const readOnly = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    const res = await createIn('acme', readOnly.key, { name: 'x', permissions: ['api_keys:read'] });
    expect(res.status).toBe(403);
    await s.api().delete(`/v1/organizations/acme/api-keys/${readOnly.id}`).set(as(readOnly.key)).expect(403);
  });
});

describe('API keys: every bad key is answered alike', () => {
  it('forged, unknown, revoked and expired keys all get the same 401', async () => {
    const revoked = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    await s.gatehouse.apiKeys.revoke({ principal: 'operator' }, s.org.id, revoked.id);
    const expired = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    await s.gatehouse.store.apiKeys.update(expired.id, { expiresAt: new Date(Date.now() - 1000) });
    s.gatehouse.resourceServer.invalidateKey(expired.id);
    const forged = generateApiKey(new Secrets(Buffer.alloc(32, 7).toString('base64url')), 'live', newId('key')).key;
    const unknown = generateApiKey(s.gatehouse.secrets, 'live', newId('key')).key;
    const tampered = s.adminKey.slice(0, -1) + (s.adminKey.endsWith('a') ? 'b' : 'a');

    const answers = [];
    for (const key of [forged, unknown, revoked.key, expired.key, tampered, 'ak_live_short', 'garbage']) {
      const res = await s.api().get('/v1/organizations/acme/api-keys').set(as(key));
      answers.push({ status: res.status, body: res.body, www: res.headers['www-authenticate'] });
    }
    expect(answers[0].status).toBe(401);
    for (const a of answers) expect(a).toEqual(answers[0]);
  });

  it('records failed authentications in the audit log, with the address and without the key', async () => {
    const unknown = generateApiKey(s.gatehouse.secrets, 'live', newId('key')).key;
    await s.api().get('/v1/organizations/acme/api-keys').set(as(unknown)).expect(401);
    await new Promise((r) => setTimeout(r, 50));
    const events = (await s.gatehouse.store.audit.list(null, { limit: 50 })).items.filter((e) => e.action === 'auth.failed');
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ actor: { type: 'anonymous', id: null }, ip: expect.any(String) });
    expect(JSON.stringify(events)).not.toContain(unknown);
  });
});

describe('API keys: request hygiene', () => {
  it.each(['organization', 'organization_id', 'created_by', 'id', 'digest', 'status', 'key', 'revoked_at'])(
    'refuses mass assignment of %s with 400 naming it', async (field) => {
      const res = await createIn('acme', s.adminKey, { name: 'x', permissions: ['api_keys:read'], [field]: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
    });

  it('refuses mass assignment on PATCH too', async () => {
    const { id } = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    const res = await s.api().patch(`/v1/organizations/acme/api-keys/${id}`).set(as(s.adminKey)).send({ environment: 'test' });
    expect(res.status).toBe(400);
  });

  it('treats __proto__ in a body as nothing: no pollution, no 500', async () => {
    const res = await s.api().post('/v1/organizations/acme/api-keys').set(as(s.adminKey)).set('Content-Type', 'application/json')
      .send('{"name":"proto","permissions":["api_keys:read"],"__proto__":{"polluted":true,"organization_id":"org_x"},"constructor":{"prototype":{"polluted":true}}}');
    expect([201, 400]).toContain(res.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (res.status === 201) expect(res.body.organization).toBe(s.org.id);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await createIn('acme', s.adminKey, { name: 'x', permissions: ['api_keys:read'], padding: 'x'.repeat(s.gatehouse.config.bodyLimitBytes + 10) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });
});

describe('API keys: secrets stay secret', () => {
  it('never returns the plaintext or the digest after creation, nor logs or audits them', async () => {
    const { body: created } = await createIn('acme', s.adminKey, { name: 'secret-check', permissions: ['api_keys:read'] }).expect(201);
    const digest = digestApiKey(s.gatehouse.secrets, created.key);
    const rotated = await s.api().post(`/v1/organizations/acme/api-keys/${created.id}/rotate`).set(as(s.adminKey)).send({ grace_period: '1m' }).expect(201);
    await s.api().get('/v1/organizations/acme/api-keys').set(as(created.key)).expect(200);

    const list = await s.api().get('/v1/organizations/acme/api-keys?limit=100').set(as(s.adminKey)).expect(200);
    const one = await s.api().get(`/v1/organizations/acme/api-keys/${created.id}`).set(as(s.adminKey)).expect(200);
    const audit = await s.api().get('/v1/organizations/acme/audit-logs?limit=100').set(as(s.adminKey)).expect(200);
    await s.gatehouse.usage.flush();
    const stored = JSON.stringify(await s.gatehouse.store.audit.list(s.org.id, { limit: 200 }));
    for (const secret of [created.key, rotated.body.key, digest, created.key.slice(8)]) {
      for (const text of [JSON.stringify(list.body), JSON.stringify(one.body), JSON.stringify(audit.body), stored, logs]) {
        expect(text).not.toContain(secret);
      }
    }
    for (const item of list.body.data) {
      expect(item).not.toHaveProperty('key');
      expect(item).not.toHaveProperty('digest');
    }
    expect(logs).toContain('"url":"/v1/organizations/acme/api-keys"');
  });
});
