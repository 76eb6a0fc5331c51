import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { OPERATOR } from '../../../src/audit/actor.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { HttpProblem } from '../../../src/http/problem.js';
import { openStore } from '../../../src/store/open.js';
import type { KeyRotation, Store } from '../../../src/store/ports.js';
import { createTestGatehouse } from '../../support/harness.js';
import { mintKey } from '../../support/seed.js';

describe('rotating one API key from many requests at once', () => {
  let dir: string;
  let instances: Gatehouse[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-rotate-'));
    const databaseUrl = `sqlite:${join(dir, 'gh.db')}`;
    const secret = 'rotation-test-secret-rotation-test-secret-0123456789';
    instances = [await createTestGatehouse({ databaseUrl, secret }), await createTestGatehouse({ databaseUrl, secret })];
  });
  afterAll(async () => {
    for (const gh of instances) await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one of 10 concurrent rotations, on two instances, succeed: one successor, nine 409 already_rotated', async () => {
    const [a, b] = instances;
    const org = await a.identity.organizations.create({ slug: 'acme' });
    const admin = await mintKey(a, org.id);
    const target = await mintKey(a, org.id, ['api_keys:read'], { name: 'rotate me' });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      request((i % 2 ? b : a).app.callback()).post(`/v1/organizations/acme/api-keys/${target.id}/rotate`)
        .set('X-API-Key', admin.key).send({ grace_period: '1h' })));
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body.code).toBe('already_rotated');
    const successor = responses.find((r) => r.status === 201)!.body.id as string;
    const listed = await request(a.app.callback()).get('/v1/organizations/acme/api-keys').set('X-API-Key', admin.key);
    const named = listed.body.data.filter((k: { name: string }) => k.name === 'rotate me').map((k: { id: string }) => k.id);
    expect(named.sort()).toEqual([target.id, successor].sort());
    expect((await a.store.apiKeys.findById(target.id))!.rotatedTo).toBe(successor);
  });
});

describe('a key changed while it is being rotated', () => {
  it('is not copied from the version read: the rotation answers 409 key_changed and issues nothing', async () => {
    const raw = await openStore('sqlite::memory:');
    // between the service's read and the store's rotation, someone narrows the key's permissions
    const racing: Store = {
      ...raw,
      apiKeys: Object.assign(Object.create(raw.apiKeys), {
        async rotate(r: KeyRotation) {
          await raw.apiKeys.update(r.oldId, { permissions: ['api_keys:read'], updatedAt: new Date(r.expectedUpdatedAt.getTime() + 1) });
          return raw.apiKeys.rotate(r);
        },
      }),
    };
    const gh = await createTestGatehouse({}, { store: racing });
    try {
      const org = await gh.identity.organizations.create({ slug: 'acme' });
      const key = await mintKey(gh, org.id, ['api_keys:read', 'api_keys:write']);
      const err = await gh.apiKeys.rotate(OPERATOR, org.id, key.id, 0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpProblem);
      expect(err).toMatchObject({ status: 409, code: 'key_changed' });
      const keys = await raw.apiKeys.list(org.id, { now: new Date() }, { limit: 10 });
      expect(keys.items.map((k) => k.id)).toEqual([key.id]);
      expect(keys.items[0]).toMatchObject({ permissions: ['api_keys:read'], rotatedTo: null, expiresAt: null });
    } finally {
      await gh.close();
      await raw.close();
    }
  });
});
