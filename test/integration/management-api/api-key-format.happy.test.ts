import { OPERATOR } from '../../../src/audit/actor.js';
import { apiKeyPattern, digestApiKey } from '../../../src/domain/api-keys/format.js';
import { withChecksum } from '../../../src/domain/api-keys/checksum.js';
import { newId } from '../../../src/domain/ids.js';
import { legacyApiKey } from '../../support/legacy-api-key.js';
import { seededSuite } from '../../support/seed.js';

const s = seededSuite({ apiKeys: { prefix: 'acme' } });
const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('API-key format: prefix, checksum and keys minted before them', () => {
  it('mints keys with the configured prefix that match the published pattern and authenticate', async () => {
    const created = await s.api().post('/v1/organizations/acme/api-keys').set(auth(s.adminKey))
      .send({ name: 'prefixed', permissions: ['api_keys:read'], environment: 'test' }).expect(201);
    expect(created.body.key.startsWith(`acme_test_${created.body.start}`)).toBe(true);
    expect(created.body.key).toMatch(new RegExp(`^${apiKeyPattern('acme').source}$`));
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(created.body.key)).expect(200);
    await s.api().get('/v1/organizations/acme/api-keys').set('X-API-Key', created.body.key).expect(200);
  });

  it('keeps accepting a key minted in the layout before checksums (ak_, no checksum)', async () => {
    const id = newId('key');
    const key = legacyApiKey(s.gatehouse.secrets, 'live', id);
    const now = new Date();
    await s.gatehouse.store.apiKeys.create({
      id, organizationId: s.org.id, name: 'from before', environment: 'live', digest: digestApiKey(s.gatehouse.secrets, key),
      start: key.slice(8, 14), permissions: ['api_keys:read'], expiresAt: null, ipAllowlist: [], rateLimit: null,
      createdBy: 'cli', createdAt: now, updatedAt: now, revokedAt: null, rotatedTo: null, disabledAt: null, metadata: {},
    });
    const res = await s.api().get(`/v1/organizations/acme/api-keys/${id}`).set(auth(key)).expect(200);
    expect(res.body.name).toBe('from before');
    // rotating it hands out a key in the current layout
    const rotatedBy = await s.gatehouse.apiKeys.create(OPERATOR, s.org.id, { name: 'rotator', permissions: ['api_keys:read', 'api_keys:write'] });
    const rotated = await s.api().post(`/v1/organizations/acme/api-keys/${id}/rotate`).set(auth(rotatedBy.key)).send({}).expect(201);
    expect(rotated.body.key).toMatch(apiKeyPattern('acme'));
  });

  it('answers 401 for a key with a wrong checksum, and for a right checksum over a wrong tag', async () => {
    const created = await s.gatehouse.apiKeys.create(OPERATOR, s.org.id, { name: 'to tamper', permissions: ['api_keys:read'] });
    const key = created.key;
    const wrongChecksum = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    const wrongTag = withChecksum(key.slice(0, -7) + (key.at(-7) === 'a' ? 'b' : 'a'));
    for (const bad of [wrongChecksum, wrongTag]) {
      const res = await s.api().get('/v1/organizations/acme/api-keys').set(auth(bad));
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(key.slice(10, 30));
    }
  });
});
