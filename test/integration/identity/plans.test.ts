import { OPERATOR, type Caller } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import type { Principal } from '../../../src/domain/principal.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import type { Organization } from '../../../src/store/ports.js';
import { ApiKeyService } from '../../../src/api-keys/service.js';
import { createRoles } from '../../../src/identity/roles.js';
import type { PermissionService } from '../../../src/identity/permissions.js';
import { ClientService } from '../../../src/oauth/clients.js';
import { createTestGatehouse } from '../../support/harness.js';
import { problemOf } from '../../support/problems.js';

/*
 * Plans may restrict which platform permissions an organization can grant (config
 * `plans.<name>.platformPermissions`); a downgrade takes the rest away at once.
 */

const PLATFORM = ['pipelines:read', 'pipelines:run', 'pipelines:cancel', 'artifacts:read'];
const PLANS = {
  free: { platformPermissions: ['pipelines:read', 'artifacts:*'] },
  team: { maxActiveKeys: 50, rateLimit: { limit: 100, windowSeconds: 60 }, platformPermissions: ['pipelines:*', 'artifacts:read'] },
};

let gh: Gatehouse;
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

beforeAll(async () => {
  gh = await createTestGatehouse({ plans: PLANS });
  await gh.identity.resources.create(OPERATOR, null, { identifier: 'https://ci.platform.test', permissions: PLATFORM });
});
afterAll(async () => { await gh.close(); });

const organization = (plan: string) => gh.identity.organizations.create({ slug: `org-${unique()}`, plan });

async function holders(org: Organization, permissions: string[]) {
  const role = await gh.identity.roles.create(OPERATOR, org.id, { name: `r${unique()}`, permissions });
  const { record: key } = await gh.apiKeys.create(OPERATOR, org.id, { name: 'backend', permissions });
  const { client } = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'robot', grant_types: ['client_credentials'], redirect_uris: [], permissions });
  return async () => ({
    role: (await gh.identity.roles.get(org.id, role.id)).permissions,
    key: (await gh.store.apiKeys.findById(key.id))!.permissions,
    client: (await gh.store.clients.findById(client.clientId))!.permissions,
  });
}
const all = (permissions: string[]) => ({ role: permissions, key: permissions, client: permissions });

describe('a plan listing platform permissions', () => {
  it('leaves the others out of its organizations\' vocabulary: not granted to roles, keys, clients, nor held by admins', async () => {
    const org = await organization('free');
    const vocabulary = await gh.identity.permissions.vocabulary(org.id);
    expect(vocabulary).toEqual(expect.arrayContaining([...MANAGEMENT_PERMISSIONS, 'pipelines:read', 'artifacts:read']));
    expect(vocabulary).not.toContain('pipelines:run');
    for (const wanted of [['pipelines:run'], ['pipelines:*']]) {
      expect((await problemOf(gh.identity.roles.create(OPERATOR, org.id, { name: `r${unique()}`, permissions: wanted }))).status).toBe(400);
      expect((await problemOf(gh.apiKeys.create(OPERATOR, org.id, { name: 'k', permissions: wanted }))).status).toBe(400);
      expect((await problemOf(gh.oauth.clients.create(OPERATOR, org.id, { name: 'c', grant_types: ['client_credentials'], redirect_uris: [], permissions: wanted }))).status).toBe(400);
    }
    // a listed noun:* allows every action of the noun, and so does the wildcard itself
    await expect(holders(org, ['pipelines:read', 'artifacts:*'])).resolves.toBeDefined();
    const { user } = await gh.identity.users.create({ email: `a${unique()}@example.com`, password: 'correct horse battery', organizationId: org.id, roles: ['admin'] });
    const held = await gh.identity.permissions.permissionsIn(org.id, user.id);
    expect(held).toContain('pipelines:read');
    expect(held).not.toContain('pipelines:run');
  });

  it('absent, allows every platform permission (the default plans of the configuration)', async () => {
    const org = await organization('pro');
    expect(await gh.identity.permissions.outsideVocabulary(org.id, [...PLATFORM, 'pipelines:*'])).toEqual([]);
  });

  it('keeps an organization from declaring a withheld permission through an API of its own', async () => {
    const org = await organization('free');
    const problem = await problemOf(gh.identity.resources.create(OPERATOR, org.id, { identifier: `https://own-${unique()}.test`, permissions: ['pipelines:run'] }));
    expect(problem.code).toBe('permission_conflict');
  });
});

describe('changing an organization\'s plan', () => {
  it('a downgrade takes what the new plan withholds from its roles, keys and clients at once, noun:* included', async () => {
    const org = await organization('pro');
    const other = await organization('pro');
    const held = await holders(org, ['pipelines:read', 'pipelines:run', 'pipelines:*', 'artifacts:read', 'users:read']);
    const untouched = await holders(other, ['pipelines:run']);
    await gh.identity.organizations.update(OPERATOR, org.slug, { plan: 'free' });
    expect(await held()).toEqual(all(['pipelines:read', 'artifacts:read', 'users:read']));
    expect(await untouched()).toEqual(all(['pipelines:run']));
    // an upgrade allows again, but gives nothing back by itself
    await gh.identity.organizations.update(OPERATOR, org.id, { plan: 'team' });
    expect(await held()).toEqual(all(['pipelines:read', 'artifacts:read', 'users:read']));
    await expect(gh.identity.roles.create(OPERATOR, org.id, { name: `r${unique()}`, permissions: ['pipelines:*'] })).resolves.toBeDefined();
  });

  it('is for the operator and server-scoped credentials holding what it gives or withdraws; an organization may rename itself', async () => {
    const org = await organization('free');
    const own: Caller = { principal: { type: 'api_key', subject: 'key_x', organization: org.id, environment: 'live', permissions: [...MANAGEMENT_PERMISSIONS] } as Principal };
    const server = (permissions: string[]): Caller => ({ principal: { type: 'api_key', subject: 'key_s', organization: null, environment: 'live', permissions } as Principal });
    const refused = await problemOf(gh.identity.organizations.update(own, org.id, { plan: 'pro' }));
    expect([refused.status, refused.code]).toEqual([403, 'server_scope_required']);
    expect((await gh.identity.organizations.resolve(org.id))!.plan).toBe('free');
    expect(await gh.identity.organizations.update(own, org.id, { name: 'Renamed' })).toMatchObject({ name: 'Renamed', plan: 'free' });
    // a server-scoped credential must hold what the change gives or withdraws (free → pro: all but the read permissions)
    const weak = await problemOf(gh.identity.organizations.update(server(['organizations:write', 'pipelines:run']), org.id, { plan: 'pro' }));
    expect([weak.status, weak.code, weak.extra.permissions]).toEqual([403, 'permission_escalation', ['pipelines:cancel']]);
    expect(await gh.identity.organizations.update(server(['organizations:write', 'pipelines:*']), org.id, { plan: 'pro' })).toMatchObject({ plan: 'pro' });
    expect(await gh.identity.organizations.update(server(['organizations:write']), org.id, { plan: 'pro', name: 'Same plan' })).toMatchObject({ plan: 'pro' });
    const other = await organization('free');
    expect((await problemOf(gh.identity.organizations.update(own, other.id, { name: 'x' }))).status).toBe(404);
  });

  it('refuses an unknown plan, naming it and the configured ones', async () => {
    const org = await organization('free');
    const problem = await problemOf(gh.identity.organizations.update(OPERATOR, org.id, { plan: 'platinum' }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toBe('plan: "platinum" is not a configured plan; must be one of: free, pro, team');
  });
});

describe('a downgrade racing a grant', () => {
  /** The permission service, with a downgrade to `free` landing between a grant's check and its write. */
  const downgradedAfterTheCheck = (): PermissionService => ({
    ...gh.identity.permissions,
    async outsideVocabulary(organizationId, wanted) {
      const outside = await gh.identity.permissions.outsideVocabulary(organizationId, wanted);
      await gh.identity.organizations.update(OPERATOR, organizationId!, { plan: 'free' });
      return outside;
    },
  });

  it('leaves no role, key or client holding what the new plan withholds: the grant is taken back after its write', async () => {
    const wanted = ['pipelines:read', 'pipelines:run'];
    const raced = downgradedAfterTheCheck();
    const roles = createRoles(gh.store, raced, gh.identity.permissionRemoval);
    const keys = new ApiKeyService({
      store: gh.store, secrets: gh.secrets, audit: gh.audit, events: gh.events, organizations: gh.identity.organizations, permissions: raced, removal: gh.identity.permissionRemoval,
    });
    const clients = new ClientService(gh.store, gh.secrets, raced, gh.identity.permissionRemoval);

    const forRole = await organization('pro');
    const role = await roles.create(OPERATOR, forRole.id, { name: 'ci', permissions: wanted });
    expect([role.permissions, (await gh.identity.roles.get(forRole.id, role.id)).permissions]).toEqual([['pipelines:read'], ['pipelines:read']]);

    const forKey = await organization('pro');
    const { record } = await keys.create(OPERATOR, forKey.id, { name: 'runner', permissions: wanted });
    expect([record.permissions, (await gh.store.apiKeys.findById(record.id))!.permissions]).toEqual([['pipelines:read'], ['pipelines:read']]);

    const forClient = await organization('pro');
    const { client } = await clients.create(OPERATOR, forClient.id, { name: 'robot', grant_types: ['client_credentials'], redirect_uris: [], permissions: wanted });
    expect([client.permissions, (await gh.store.clients.findById(client.clientId))!.permissions]).toEqual([['pipelines:read'], ['pipelines:read']]);

    const events = (await gh.store.audit.list(forKey.id, { limit: 10 })).items.filter((e) => e.action === 'permissions.removed');
    expect(events.map((e) => e.metadata.reason)).toEqual(['granted_during_a_change']);
  });
});

describe('a plan\'s configuration changed between two starts', () => {
  it('takes what the plan now withholds from its organizations when reconciled (at every server start)', async () => {
    const open = await createTestGatehouse();
    try {
      await open.identity.resources.create(OPERATOR, null, { identifier: 'https://ci.platform.test', permissions: PLATFORM });
      const onFree = await open.identity.organizations.create({ slug: 'was-unrestricted', plan: 'free' });
      const onPro = await open.identity.organizations.create({ slug: 'stays-unrestricted', plan: 'pro' });
      const { record: freeKey } = await open.apiKeys.create(OPERATOR, onFree.id, { name: 'k', permissions: ['pipelines:run', 'pipelines:read'] });
      const { record: proKey } = await open.apiKeys.create(OPERATOR, onPro.id, { name: 'k', permissions: ['pipelines:run'] });
      const restricted = await createTestGatehouse({ plans: PLANS, secret: open.config.secret }, { store: open.store });
      try {
        const removed = await restricted.identity.permissionRemoval.reconcilePlans(OPERATOR);
        expect(removed.apiKeyIds).toEqual([freeKey.id]);
        expect((await open.store.apiKeys.findById(freeKey.id))!.permissions).toEqual(['pipelines:read']);
        expect((await open.store.apiKeys.findById(proKey.id))!.permissions).toEqual(['pipelines:run']);
        expect((await restricted.identity.permissionRemoval.reconcilePlans(OPERATOR)).apiKeyIds).toEqual([]);
      } finally {
        await restricted.close();
      }
    } finally {
      await open.close();
    }
  });
});
