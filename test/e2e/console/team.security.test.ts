import { OPERATOR } from '../../../src/audit/actor.js';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from './fixture.js';
import { csrfOf, signedInAs } from './http-session.js';

/**
 * The Members, Webhooks and Organization pages offer only what the person's token allows, and
 * the API refuses a forged request anyway (the console has no way around it); every form needs
 * the session's CSRF token.
 */
let world: ConsoleWorld;
let endpointId = '';
let memberId = '';
beforeAll(async () => {
  world = await startConsoleWorld({ webhooks: { allowPrivateNetworks: true, worker: false } });
  const gh = world.server.gatehouse;
  endpointId = (await gh.webhooks.endpoints.create(OPERATOR, world.acme.id, { url: 'http://127.0.0.1:9/hook', events: ['api_key.created'] })).endpoint.id;
  memberId = (await gh.identity.users.getByEmail(world.member))!.id;
});
afterAll(() => world.server.stop());

const gh = () => world.server.gatehouse;
const snapshot = async () => ({
  invitations: (await gh().identity.invitations.list(world.acme.id, { limit: 100 })).items.length,
  endpoints: (await gh().webhooks.endpoints.list(OPERATOR, world.acme.id, { limit: 100 })).items.map((e) => [e.url, e.enabled, e.events.join()]),
  memberships: (await gh().identity.members.list(world.acme.id, { limit: 100 })).items.map((m) => [m.userId, m.roles.join(), m.disabled]),
  name: (await gh().store.organizations.findById(world.acme.id))!.name,
});

/** Forms a read-only member could forge against the new pages, with what each would do. */
const forgeries = () => [
  ['/console/o/acme/members/invite', { email: 'mallory@evil.test', roles: 'admin' }],
  [`/console/o/acme/members/${memberId}/roles`, { roles: 'admin' }],
  [`/console/o/acme/members/${memberId}/disable`, {}],
  [`/console/o/acme/members/${memberId}/remove`, {}],
  ['/console/o/acme/webhooks', { url: 'http://127.0.0.1:9/other', events: '*' }],
  [`/console/o/acme/webhooks/${endpointId}`, { url: 'http://127.0.0.1:9/redirected', events: 'api_key.created' }],
  [`/console/o/acme/webhooks/${endpointId}/disable`, {}],
  [`/console/o/acme/webhooks/${endpointId}/rotate`, { grace_period: '0' }],
  [`/console/o/acme/webhooks/${endpointId}/delete`, {}],
  ['/console/o/acme/settings', { name: 'Pwned' }],
] as const;

describe('console members, webhooks and settings security', () => {
  it('offers a read-only member no control, and the API refuses every forged form: nothing changes', async () => {
    const { client } = await signedInAs(world.server.url, world.member);
    const pages = await Promise.all(['members', 'webhooks', `webhooks/${endpointId}`, 'settings'].map(async (p) => (await client.get(`/console/o/acme/${p}`)).text()));
    for (const html of pages) {
      expect(html).not.toMatch(/>(Invite member|Change roles|Disable|Enable|Remove|Add endpoint|Rotate secret|Delete|Redeliver|Save name)</);
      expect(html).not.toContain('method="post" action="/console/o/acme/members');
    }
    const csrf = csrfOf(pages[0]);
    const before = await snapshot();
    for (const [path, form] of forgeries()) {
      const res = await client.request(path, { form: { _csrf: csrf, ...form } });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('needs the session\'s CSRF token on every new form, from an admin too', async () => {
    const { client } = await signedInAs(world.server.url, world.admin);
    const before = await snapshot();
    for (const [path, form] of forgeries()) {
      expect([path, (await client.request(path, { method: 'POST', form })).status]).toEqual([path, 403]);
      expect([path, (await client.request(path, { form: { ...form, _csrf: 'x'.repeat(43) } })).status]).toEqual([path, 403]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('offers no change to a member stronger than the person, nor a role they lack, and the API refuses the forged change', async () => {
    await gh().identity.roles.create(OPERATOR, world.acme.id, { name: 'people', permissions: ['users:read', 'users:write', 'roles:read', 'resources:read'] });
    await gh().identity.users.create({ email: 'people@acme.test', password: PASSWORD, organizationId: world.acme.id, roles: ['people'] });
    const { client } = await signedInAs(world.server.url, 'people@acme.test');
    const admin = (await gh().identity.users.getByEmail(world.admin))!;
    const listing = await (await client.get('/console/o/acme/members')).text();
    expect(listing).toContain('>Invite member<');
    expect(listing).not.toContain(`/members/${admin.id}/`);
    // the member role (every :read) holds permissions `people` lacks: neither it nor admin is offered
    const invite = await (await client.get('/console/o/acme/members/invite')).text();
    expect(invite.match(/name="roles" value="([^"]+)"/g)).toEqual(['name="roles" value="people"']);
    const before = await snapshot();
    const forged = await client.request(`/console/o/acme/members/${admin.id}/remove`, { form: { _csrf: csrfOf(listing) } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/role="alert"[^<]*You cannot remove a member who holds/);
    const escalating = await client.request('/console/o/acme/members/invite', { form: { _csrf: csrfOf(listing), email: 'friend@acme.test', roles: 'admin' } });
    expect(escalating.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('offers no change to a webhook endpoint whose events carry data the person may not read', async () => {
    await gh().identity.roles.create(OPERATOR, world.acme.id, { name: 'hooks', permissions: ['webhooks:read', 'webhooks:write', 'users:read'] });
    await gh().identity.users.create({ email: 'hooks@acme.test', password: PASSWORD, organizationId: world.acme.id, roles: ['hooks'] });
    const { client } = await signedInAs(world.server.url, 'hooks@acme.test', 'acme');
    const detail = await (await client.get(`/console/o/acme/webhooks/${endpointId}`)).text();
    expect(detail).not.toContain('>Rotate secret<');
    const form = await (await client.get('/console/o/acme/webhooks/new')).text();
    expect(form.match(/name="events" value="([^"]+)"/g)).toEqual(['member.invited', 'member.joined', 'member.removed', 'webhook_endpoint.disabled'].map((e) => `name="events" value="${e}"`));
    const before = await snapshot();
    const forged = await client.request(`/console/o/acme/webhooks/${endpointId}/rotate`, { form: { _csrf: csrfOf(detail) } });
    expect(forged.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});
