import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { openStore, openStoreMigrations } from '../../../src/store/open.js';
import { createTestGatehouse } from '../../support/harness.js';
import type { Store } from '../../../src/store/ports.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';

const FIXTURE = join(process.cwd(), 'test/fixtures/sqlite-main-50e5b2e/gatehouse.db');
const ACME = 'org_01m8qdh6w1jyfjkzpcj13fx9dx';
const GLOBEX = 'org_01m8qdh7cm6h7r84betsd5c99f';
const BILLING_KEY = 'key_01m8qdhbaw9hc5v26brp0txm2v';
/** the secret the fixture was written with (see its README) */
const FIXTURE_SECRET = 'fixture-secret-fixture-secret-fixture-secret-0123456789';

describe('a SQLite database written by commit 50e5b2e', () => {
  let dir: string;
  let url: string;
  let store: Store;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-upgrade-'));
    copyFileSync(FIXTURE, join(dir, 'gatehouse.db'));
    url = `sqlite:${join(dir, 'gatehouse.db')}`;
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows version 1 applied before records were kept, and every later migration pending', async () => {
    const migrations = await openStoreMigrations(url);
    try {
      const status = await migrations.status();
      expect(status).toMatchObject({ current: 1, latest: MIGRATIONS.length, indexChanges: [] });
      expect(status.applied).toEqual([{ version: 1, description: expect.stringMatching(/^tables organizations/), appliedAt: null }]);
      expect(status.pending.map((s) => s.version)).toEqual(Array.from({ length: MIGRATIONS.length - 1 }, (_, i) => i + 2));
    } finally {
      await migrations.close();
    }
  });

  it('opens upgraded to the latest version, each new migration recorded', async () => {
    store = await openStore(url);
    const status = await store.migrations.status();
    expect(status.current).toBe(MIGRATIONS.length);
    expect(status.pending).toEqual([]);
    expect(status.applied.slice(1).every((s) => s.appliedAt instanceof Date)).toBe(true);
  });

  it('finds every organization, user, membership, role and resource', async () => {
    expect(await store.organizations.findBySlug('acme')).toMatchObject({ id: ACME, name: 'Acme Corp', plan: 'pro' });
    expect(await store.organizations.findById(GLOBEX)).toMatchObject({ slug: 'globex', plan: 'free' });
    expect((await store.organizations.list({ limit: 10 })).items.map((o) => o.id)).toEqual([GLOBEX, ACME]);
    const ada = await store.users.findByEmail('ada@example.com');
    expect(ada).toMatchObject({ id: 'usr_01m8qdh7xjsg3az2703yy6jw6x', disabled: false, passwordHash: expect.stringMatching(/^\$argon2id\$/) });
    expect(await store.memberships.find(ACME, ada!.id)).toMatchObject({ id: 'mem_01m8qdh7yk0jzvxgccdxtb40zg', roles: ['admin'] });
    expect(await store.roles.findByName(ACME, 'billing')).toMatchObject({ id: 'rol_fixture', permissions: ['invoices:read'] });
    expect(await store.resources.findByIdentifier('https://api.acme.test/invoices')).toMatchObject({
      id: 'res_01m8qdh8ge03cs0kmj4hdqe1ca', organizationId: ACME, permissions: ['invoices:read', 'invoices:write'],
    });
    expect(await store.resources.findById(GLOBEX, 'res_01m8qdh921xqv49k70pv7ecs6p')).toMatchObject({ permissions: ['widgets:read'] });
  });

  it('finds every client and signing key', async () => {
    const clients = (await store.clients.list(ACME, { limit: 10 })).items;
    expect(clients.map((c) => [c.clientId, c.name, c.tokenEndpointAuthMethod])).toEqual([
      ['client_01m8qdha36hf01rye9h4ywprnh', 'SPA', 'none'],
      ['client_01m8qdh9jbvef578dqgk613prx', 'Dashboard', 'client_secret_basic'],
    ]);
    expect(clients[1].sealedSecret).toMatch(/^v1\./);
    const keys = await store.signingKeys.list();
    expect(keys.map((k) => [k.kid, k.alg, k.retiredAt === null])).toEqual([
      ['GaO-oRIxsCf09Q34tFqs4bLIP-2da-h5KVVb9rg_VCg', 'RS256', false],
      ['N51acXPT3Kc5MK-MFRvSCZzN9eINpvTKTE5iMRPs0tI', 'RS256', true],
    ]);
  });

  it('finds every API key with its usage, and every audit event', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect((await store.apiKeys.list(ACME, { status: 'active', now }, { limit: 10 })).items.map((k) => k.id)).toEqual([BILLING_KEY]);
    expect(await store.apiKeys.findById(BILLING_KEY)).toMatchObject({ ipAllowlist: ['10.0.0.0/8'], permissions: ['invoices:read'], environment: 'live' });
    expect(await store.apiKeys.findById('key_01m8qdhbvka835b1ywvhdv6cy7')).toMatchObject({ environment: 'test', revokedAt: expect.any(Date) });
    expect((await store.apiKeys.list(null, { now }, { limit: 10 })).items.map((k) => k.name)).toEqual(['bootstrap']);
    expect(await store.usage.daily(BILLING_KEY, '2026-11-01', '2026-11-30')).toEqual([{ day: '2026-11-29', count: 41 }, { day: '2026-11-30', count: 7 }]);
    expect(await store.usage.lastUsedAtMany([BILLING_KEY])).toEqual(new Map([[BILLING_KEY, new Date('2026-11-30T08:00:00.456Z')]]));
    expect((await store.audit.list(ACME, { limit: 10 })).items.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created', 'api_key.created']);
    expect((await store.audit.list(null, { limit: 10 })).items).toHaveLength(1);
  });

  it('finds every oidc payload, by id, uid and user code, and still counts the rate-limit window', async () => {
    expect(await store.oidc.find('Grant', 'grant-1')).toEqual({
      accountId: 'usr_x', clientId: 'cli_x', resources: { 'https://api.acme.test/invoices': 'invoices:read' },
    });
    expect(await store.oidc.findByUid('RefreshToken', 'uid-1')).toEqual({ grantId: 'grant-1', uid: 'uid-1' });
    expect(await store.oidc.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({ grantId: 'grant-1', userCode: 'ABCD-EFGH' });
    // the window main wrote holds 3 of 100 units
    expect(await store.rateLimits.take({ bucket: `key:${BILLING_KEY}`, windowMs: 60_000, limit: 100, cost: 1, now: 4102444800000 + 10 }))
      .toMatchObject({ allowed: true, used: 4 });
  });

  it('takes platform resources (no organization) beside the organizations\' it had, identifiers still unique', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const platform = {
      id: 'res_platform_upgrade', organizationId: null, identifier: 'https://api.platform.test', name: 'Platform',
      permissions: ['pipelines:run'], createdAt: now, updatedAt: now,
    };
    await store.resources.create(platform);
    expect((await store.resources.list(null, { limit: 10 })).items).toEqual([platform]);
    expect((await store.resources.list(ACME, { limit: 10 })).items.map((r) => r.identifier)).toEqual(['https://api.acme.test/invoices']);
    await expect(store.resources.create({ ...platform, id: 'res_dup', identifier: 'https://api.acme.test/invoices' }))
      .rejects.toMatchObject({ name: 'UniqueViolation', field: 'identifier' });
    expect((await store.resources.organizationResourcesDeclaring(['widgets'], 5)).map((r) => r.organizationId)).toEqual([GLOBEX]);
    await store.resources.delete(null, platform.id);
  });

  it('takes writes of the features the new migrations brought (usage flush ids)', async () => {
    const flush = [{ keyId: BILLING_KEY, day: '2026-12-01', count: 2, lastUsedAt: new Date('2026-12-01T00:00:01Z') }];
    await store.usage.record(flush, 'flush_upgrade');
    await store.usage.record(flush, 'flush_upgrade');
    expect(await store.usage.daily(BILLING_KEY, '2026-12-01', '2026-12-01')).toEqual([{ day: '2026-12-01', count: 2 }]);
  });

  it('serves from the upgraded file: its signing key unseals with the secret that sealed it', async () => {
    const gh = await createTestGatehouse({ databaseUrl: url, secret: FIXTURE_SECRET });
    try {
      const jwks = await request(gh.app.callback()).get('/jwks');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain('N51acXPT3Kc5MK-MFRvSCZzN9eINpvTKTE5iMRPs0tI');
      expect(await gh.store.organizations.findBySlug('globex')).toMatchObject({ id: GLOBEX });
      // the organizations' vocabularies as before, the built-in admin now holding its own API's permissions
      const ada = (await gh.store.users.findByEmail('ada@example.com'))!;
      expect(await gh.identity.permissions.permissionsIn(ACME, ada.id)).toEqual(expect.arrayContaining(['api_keys:write', 'invoices:read', 'invoices:write']));
      expect(await gh.identity.permissions.outsideVocabulary(GLOBEX, ['widgets:read', 'invoices:read'])).toEqual(['invoices:read']);
    } finally {
      await gh.close();
    }
  });
});
