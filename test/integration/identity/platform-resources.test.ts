import { OPERATOR, type Caller } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import type { Principal } from '../../../src/domain/principal.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import type { Organization } from '../../../src/store/ports.js';
import { createTestGatehouse } from '../../support/harness.js';
import { problemOf } from '../../support/problems.js';

/*
 * SPEC §2a with platform resources: the operator's API is in every organization's vocabulary,
 * its admins hold it at once, a platform API's nouns are its own, and what leaves the vocabulary
 * leaves every role, key and client.
 */

let gh: Gatehouse;
let acme: Organization;
let globex: Organization;
const PASSWORD = 'correct horse battery staple';
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

beforeAll(async () => {
  gh = await createTestGatehouse({ issuer: 'https://auth.example.test' });
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  globex = await gh.identity.organizations.create({ slug: 'globex' });
});
afterAll(async () => { await gh.close(); });

const serverCaller = (permissions: readonly string[]): Caller => ({
  principal: { type: 'api_key', subject: 'key_server', organization: null, environment: 'live', permissions: [...permissions] } as Principal,
});

/** A platform API with a fresh noun: `<noun>:read`, `<noun>:run`. */
async function platformApi(extra: string[] = []) {
  const noun = `p${unique()}`;
  const resource = await gh.identity.resources.create(OPERATOR, null, {
    identifier: `https://${noun}.platform.test`, permissions: [`${noun}:read`, `${noun}:run`, ...extra],
  });
  return { noun, resource, read: `${noun}:read`, run: `${noun}:run` };
}

/** A custom role, an API key and a client_credentials client of `org` holding `permissions`. */
async function holders(org: Organization, permissions: string[]) {
  const role = await gh.identity.roles.create(OPERATOR, org.id, { name: `r${unique()}`, permissions });
  const { record: key, key: plaintext } = await gh.apiKeys.create(OPERATOR, org.id, { name: 'backend', permissions });
  const { client } = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'robot', grant_types: ['client_credentials'], redirect_uris: [], permissions });
  return { role, key, plaintext, client };
}

async function heldBy(org: Organization, h: Awaited<ReturnType<typeof holders>>) {
  return {
    role: (await gh.identity.roles.get(org.id, h.role.id)).permissions,
    key: (await gh.store.apiKeys.findById(h.key.id))!.permissions,
    client: (await gh.store.clients.findById(h.client.clientId))!.permissions,
  };
}
const all = (permissions: string[]) => ({ role: permissions, key: permissions, client: permissions });

describe('a platform resource', () => {
  it('joins every organization\'s vocabulary; admins hold all of it and members its :read permissions, at once', async () => {
    const api = await platformApi();
    expect(api.resource).toMatchObject({ organizationId: null, permissions: [api.read, api.run] });
    const { user } = await gh.identity.users.create({ email: `a${unique()}@acme.test`, password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
    const { user: reader } = await gh.identity.users.create({ email: `m${unique()}@globex.test`, password: PASSWORD, organizationId: globex.id, roles: ['member'] });
    for (const org of [acme, globex]) expect(await gh.identity.permissions.vocabulary(org.id)).toEqual(expect.arrayContaining([api.read, api.run]));
    expect(await gh.identity.permissions.permissionsIn(acme.id, user.id)).toEqual(expect.arrayContaining([...MANAGEMENT_PERMISSIONS, api.read, api.run]));
    const memberHolds = await gh.identity.permissions.permissionsIn(globex.id, reader.id);
    expect(memberHolds).toContain(api.read);
    expect(memberHolds).not.toContain(api.run);

    // a permission added to the platform API is the admins' at once, and grantable everywhere
    await gh.identity.resources.update(OPERATOR, null, api.resource.id, { permissions: [api.read, api.run, `${api.noun}:cancel`] });
    expect(await gh.identity.permissions.permissionsIn(acme.id, user.id)).toContain(`${api.noun}:cancel`);
    await expect(holders(globex, [`${api.noun}:cancel`])).resolves.toBeDefined();
  });

  it('is listed and found in the server scope only, never as an organization\'s', async () => {
    const api = await platformApi();
    expect((await gh.identity.resources.list(null, { limit: 200 })).items.map((r) => r.id)).toContain(api.resource.id);
    expect((await gh.identity.resources.list(acme.id)).items.map((r) => r.id)).not.toContain(api.resource.id);
    expect(await gh.identity.resources.get(null, api.resource.id)).toEqual(api.resource);
    expect((await problemOf(gh.identity.resources.get(acme.id, api.resource.id))).status).toBe(404);
    expect((await problemOf(gh.identity.resources.delete(OPERATOR, acme.id, api.resource.id))).status).toBe(404);
    expect(await gh.identity.resources.resolve(api.resource.identifier)).toEqual({
      identifier: api.resource.identifier, kind: 'platform', organizationId: null, permissions: [api.read, api.run],
    });
  });

  it('is the server scope\'s too: a server-scoped key may hold its permissions, an organization never holds another\'s own', async () => {
    const api = await platformApi();
    expect(await gh.identity.permissions.vocabulary(null)).toEqual(expect.arrayContaining([...MANAGEMENT_PERMISSIONS, api.read, api.run]));
    const own = await gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://own-${unique()}.acme.test`, permissions: ['ledgers:read'] });
    expect(await gh.identity.permissions.outsideVocabulary(null, ['ledgers:read', api.run])).toEqual(['ledgers:read']);
    expect(await gh.identity.permissions.outsideVocabulary(globex.id, ['ledgers:read'])).toEqual(['ledgers:read']);
    await gh.identity.resources.delete(OPERATOR, acme.id, own.id);
  });
});

describe('who owns a noun', () => {
  it('refuses an organization\'s API declaring an action of a platform noun (409 permission_conflict)', async () => {
    const api = await platformApi();
    const problem = await problemOf(gh.identity.resources.create(OPERATOR, acme.id, {
      identifier: `https://clash-${unique()}.acme.test`, permissions: ['ledgers:read', `${api.noun}:admin`],
    }));
    expect([problem.status, problem.code]).toEqual([409, 'permission_conflict']);
    expect(problem.detail).toContain(`"${api.noun}" belongs to the platform API ${api.resource.identifier}`);
    const mine = await gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://mine-${unique()}.acme.test`, permissions: ['ledgers:read'] });
    expect((await problemOf(gh.identity.resources.update(OPERATOR, acme.id, mine.id, { permissions: [api.read] }))).code).toBe('permission_conflict');
    await gh.identity.resources.delete(OPERATOR, acme.id, mine.id);
  });

  it('refuses a platform API taking a noun an organization\'s API uses; organizations may share nouns among themselves', async () => {
    const noun = `o${unique()}`;
    await gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://${noun}.acme.test`, permissions: [`${noun}:read`] });
    await gh.identity.resources.create(OPERATOR, globex.id, { identifier: `https://${noun}.globex.test`, permissions: [`${noun}:read`] });
    const problem = await problemOf(gh.identity.resources.create(OPERATOR, null, { identifier: `https://${noun}.platform.test`, permissions: [`${noun}:write`] }));
    expect([problem.status, problem.code]).toEqual([409, 'permission_conflict']);
    expect(problem.detail).toMatch(new RegExp(`"${noun}" is used by an organization's own API`));
    const api = await platformApi();
    expect((await problemOf(gh.identity.resources.update(OPERATOR, null, api.resource.id, { permissions: [`${noun}:write`] }))).code).toBe('permission_conflict');
  });

  it('of a platform and an organization API declaring one noun at the same moment, never both stand', async () => {
    for (let round = 0; round < 10; round++) {
      const noun = `race${unique()}`;
      const outcomes = await Promise.allSettled([
        gh.identity.resources.create(OPERATOR, null, { identifier: `https://${noun}.platform.test`, permissions: [`${noun}:read`] }),
        gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://${noun}.acme.test`, permissions: [`${noun}:read`] }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeLessThanOrEqual(1);
      const standing = [await gh.store.resources.findByIdentifier(`https://${noun}.platform.test`), await gh.store.resources.findByIdentifier(`https://${noun}.acme.test`)];
      expect(standing.filter(Boolean).length).toBe(outcomes.filter((o) => o.status === 'fulfilled').length);
    }
  });

  it('lets two platform APIs share a permission, re-declared only by a caller holding it', async () => {
    const api = await platformApi();
    const weak = serverCaller(MANAGEMENT_PERMISSIONS);
    const declare = (caller: Caller) => gh.identity.resources.create(caller, null, { identifier: `https://second-${unique()}.platform.test`, permissions: [api.read] });
    const refused = await problemOf(declare(weak));
    expect([refused.status, refused.code]).toEqual([403, 'permission_escalation']);
    await expect(declare(serverCaller([...MANAGEMENT_PERMISSIONS, api.read]))).resolves.toMatchObject({ permissions: [api.read] });
  });
});

describe('server-scoped callers and platform resources', () => {
  it('may register one with new nouns, but change or delete one only holding all it defines', async () => {
    const weak = serverCaller(MANAGEMENT_PERMISSIONS);
    const noun = `s${unique()}`;
    const created = await gh.identity.resources.create(weak, null, { identifier: `https://${noun}.platform.test`, permissions: [`${noun}:read`] });
    expect((await problemOf(gh.identity.resources.update(weak, null, created.id, { name: 'renamed' }))).code).toBe('permission_escalation');
    expect((await problemOf(gh.identity.resources.delete(weak, null, created.id))).code).toBe('permission_escalation');
    await gh.identity.resources.delete(serverCaller([...MANAGEMENT_PERMISSIONS, `${noun}:read`]), null, created.id);
    expect(await gh.identity.resources.resolve(created.identifier)).toBeNull();
  });

  it('an organization\'s credential reaches no platform resource (404, like another organization\'s)', async () => {
    const api = await platformApi();
    const orgCaller: Caller = { principal: { type: 'api_key', subject: 'key_x', organization: acme.id, environment: 'live', permissions: [...MANAGEMENT_PERMISSIONS, api.read, api.run] } as Principal };
    expect((await problemOf(gh.identity.resources.create(orgCaller, null, { identifier: `https://x${unique()}.test`, permissions: ['x:read'] }))).status).toBe(404);
    expect((await problemOf(gh.identity.resources.delete(orgCaller, null, api.resource.id))).status).toBe(404);
  });
});

describe('the invariants weigh the built-in roles with the whole vocabulary', () => {
  it('making someone an admin, or changing an app that signs admins in, needs the platform API\'s permissions too', async () => {
    const api = await platformApi();
    const org = await gh.identity.organizations.create({ slug: `weigh-${unique()}` });
    await gh.identity.users.create({ email: `owner${unique()}@example.com`, password: PASSWORD, organizationId: org.id, roles: ['admin'] });
    const { user } = await gh.identity.users.create({ email: `m${unique()}@example.com`, password: PASSWORD, organizationId: org.id, roles: [] });
    const { client } = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'console', redirect_uris: ['https://app.example.com/cb'] });
    const management: Caller = { principal: { type: 'api_key', subject: 'key_m', organization: org.id, environment: 'live', permissions: [...MANAGEMENT_PERMISSIONS] } as Principal };
    // every platform API of this file is in the vocabulary
    const everything: Caller = { principal: { type: 'api_key', subject: 'key_e', organization: org.id, environment: 'live', permissions: await gh.identity.permissions.vocabulary(org.id) } as Principal };

    const promote = await problemOf(gh.identity.members.update(management, org.id, user.id, { roles: ['admin'] }));
    expect([promote.code, promote.extra.permissions]).toEqual(['permission_escalation', expect.arrayContaining([api.read, api.run])]);
    expect((await problemOf(gh.oauth.clients.update(management, org.id, client.clientId, { name: 'renamed' }))).code).toBe('permission_escalation');
    await expect(gh.identity.members.update(everything, org.id, user.id, { roles: ['admin'] })).resolves.toMatchObject({ roles: ['admin'] });
    await expect(gh.oauth.clients.update(everything, org.id, client.clientId, { name: 'renamed' })).resolves.toMatchObject({ name: 'renamed' });
  });
});

describe('taking away what leaves the vocabulary', () => {
  it('a deleted platform API\'s permissions leave every role, key and client of every organization; registering it again revives none', async () => {
    const api = await platformApi();
    const wildcard = `${api.noun}:*`;
    const inAcme = await holders(acme, [api.read, api.run, 'users:read']);
    const inGlobex = await holders(globex, [wildcard]);
    const { record: serverKey } = await gh.apiKeys.create(OPERATOR, null, { name: 'ops', permissions: [api.run, 'audit:read'] });

    await gh.identity.resources.delete(OPERATOR, null, api.resource.id);
    expect(await heldBy(acme, inAcme)).toEqual(all(['users:read']));
    expect(await heldBy(globex, inGlobex)).toEqual(all([]));
    expect((await gh.store.apiKeys.findById(serverKey.id))!.permissions).toEqual(['audit:read']);

    await gh.identity.resources.create(OPERATOR, null, { identifier: api.resource.identifier, permissions: [api.read, api.run] });
    expect(await heldBy(acme, inAcme)).toEqual(all(['users:read']));
    expect(await heldBy(globex, inGlobex)).toEqual(all([]));
  });

  it('narrowing a platform API takes the dropped permission only; noun:* stays while the noun has actions', async () => {
    const api = await platformApi();
    const h = await holders(acme, [api.read, api.run, `${api.noun}:*`]);
    await gh.identity.resources.update(OPERATOR, null, api.resource.id, { permissions: [api.read] });
    expect(await heldBy(acme, h)).toEqual(all([api.read, `${api.noun}:*`]));
    await gh.identity.resources.update(OPERATOR, null, api.resource.id, { permissions: ['x-other:read'] });
    expect(await heldBy(acme, h)).toEqual(all([]));
  });

  it('an organization\'s deleted API leaves its own holders only, not another organization\'s API of the same names', async () => {
    const noun = `own${unique()}`;
    const mine = await gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://${noun}.acme.test`, permissions: [`${noun}:read`] });
    await gh.identity.resources.create(OPERATOR, globex.id, { identifier: `https://${noun}.globex.test`, permissions: [`${noun}:read`] });
    const inAcme = await holders(acme, [`${noun}:read`, 'users:read']);
    const inGlobex = await holders(globex, [`${noun}:read`]);
    await gh.identity.resources.delete(OPERATOR, acme.id, mine.id);
    expect(await heldBy(acme, inAcme)).toEqual(all(['users:read']));
    expect(await heldBy(globex, inGlobex)).toEqual(all([`${noun}:read`]));
  });

  it('an organization API\'s permission still declared by another of its APIs stays', async () => {
    const noun = `dup${unique()}`;
    const first = await gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://${noun}-1.acme.test`, permissions: [`${noun}:read`, `${noun}:write`] });
    await gh.identity.resources.create(OPERATOR, acme.id, { identifier: `https://${noun}-2.acme.test`, permissions: [`${noun}:read`] });
    const h = await holders(acme, [`${noun}:read`, `${noun}:write`]);
    await gh.identity.resources.delete(OPERATOR, acme.id, first.id);
    expect(await heldBy(acme, h)).toEqual(all([`${noun}:read`]));
  });

  it('a new name starts with no holder: one left behind (by older versions, or a lost race) is taken before it is declared', async () => {
    const noun = `stale${unique()}`;
    const h = await holders(acme, ['users:read']);
    // written behind the services' back, as data from before this version could be
    await gh.store.apiKeys.update(h.key.id, { permissions: ['users:read', `${noun}:run`, `${noun}:*`] });
    await gh.store.roles.update(acme.id, h.role.id, { permissions: ['users:read', `${noun}:run`] });
    await gh.identity.resources.create(OPERATOR, null, { identifier: `https://${noun}.platform.test`, permissions: [`${noun}:run`] });
    expect(await heldBy(acme, h)).toEqual(all(['users:read']));
  });

  it('the resource server forgets the key at once: its next check carries the narrowed permissions', async () => {
    const api = await platformApi();
    const h = await holders(acme, [api.read, api.run]);
    const before = await gh.resourceServer.checkApiKey(h.plaintext);
    expect(before.ok && before.record.permissions).toEqual([api.read, api.run]);
    await gh.identity.resources.update(OPERATOR, null, api.resource.id, { permissions: [api.read] });
    const after = await gh.resourceServer.checkApiKey(h.plaintext);
    expect(after.ok && after.record.permissions).toEqual([api.read]);
  });

  it('audits what it took away, with the counts', async () => {
    const api = await platformApi();
    await holders(acme, [api.run]);
    await gh.identity.resources.delete(OPERATOR, null, api.resource.id);
    const events = (await gh.store.audit.list(null, { limit: 20 })).items.filter((e) => e.action === 'permissions.removed');
    expect(events[0]).toMatchObject({
      actor: { type: 'cli' },
      metadata: { reason: 'resource_deleted', roles: 1, api_keys: 1, clients: 1, permissions: expect.arrayContaining([api.read, api.run]) },
    });
  });
});
