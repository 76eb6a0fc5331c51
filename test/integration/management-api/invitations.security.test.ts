import { Writable } from 'node:stream';
import request from 'supertest';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { createLogger } from '../../../src/ops/logger.js';
import { acceptInvitation, invitationForm } from '../../support/invitations.js';
import { invitationLink, startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { mintKey, seed, seedOrganization, type Seeded } from '../../support/seed.js';

let logs = '';
const sink = new Writable({ write(chunk, _e, done) { logs += chunk.toString(); done(); } });
let smtp: SmtpSink;
let s: Seeded;
beforeAll(async () => {
  smtp = await startSmtpSink();
  s = await seed({ smtpUrl: smtp.url, throttles: { loginPerAccount: { limit: 3, windowSeconds: 900 } } }, { logger: createLogger('info', sink) });
});
afterAll(async () => {
  await s.close();
  await smtp.close();
});

const invite = (key: string, body: object, org = 'acme') => s.api().post(`/v1/organizations/${org}/invitations`).set('X-API-Key', key).send(body);
/** the answer with what differs between any two invitations (ids, times, the email itself) taken out */
const shape = (body: Record<string, unknown>) => ({ ...body, id: 'ID', email: 'EMAIL', created_at: 'T', expires_at: 'T' });

describe('invitations: no account takeover, no enumeration, no escalation', () => {
  it("an organization can neither attach another organization's account nor set its password, nor tell that it exists", async () => {
    const beta = await seedOrganization(s.gatehouse, 'beta');
    const { user: cfo } = await s.gatehouse.identity.users.create({ email: 'cfo@beta.test', password: 'beta cfo passphrase', organizationId: beta.id, roles: ['admin'] });
    const hashBefore = (await s.gatehouse.store.users.findById(cfo.id))!.passwordHash;

    // the old path (POST /users with a password of the attacker's choosing) is gone
    const attach = await s.api().post('/v1/organizations/acme/users').set('X-API-Key', s.adminKey)
      .send({ email: 'cfo@beta.test', password: 'attacker chose this', roles: ['admin'] });
    expect(attach.status).toBe(405);
    // an invitation takes no password
    const withPassword = await invite(s.adminKey, { email: 'cfo@beta.test', password: 'attacker chose this' });
    expect([withPassword.status, withPassword.body.errors?.[0]?.field]).toEqual([400, 'password']);

    // the answer for an existing account is the answer for an unknown email
    const existing = await invite(s.adminKey, { email: 'cfo@beta.test', roles: ['admin'] });
    const unknown = await invite(s.adminKey, { email: 'nobody-here@beta.test', roles: ['admin'] });
    expect(existing.status).toBe(201);
    expect(unknown.status).toBe(201);
    expect(shape(existing.body)).toEqual(shape(unknown.body));
    expect(Object.keys(existing.headers).sort()).toEqual(Object.keys(unknown.headers).sort());

    // nothing was attached and the password is untouched; the mail went to the address itself
    expect(await s.gatehouse.store.memberships.find(s.org.id, cfo.id)).toBeNull();
    expect((await s.gatehouse.store.users.findById(cfo.id))!.passwordHash).toBe(hashBefore);
    const mails = [await smtp.next(), await smtp.next()];
    expect(smtp.recipients.slice(-2)).toEqual([['cfo@beta.test'], ['nobody-here@beta.test']]);
    expect(mails[0].text?.replace(/token=\S+/, '')).toEqual(mails[1].text?.replace(/token=\S+/, ''));

    // accepting as a new person with the attacker's password is refused: the account exists
    const hijack = await acceptInvitation(s.gatehouse, invitationLink(mails[0]), { mode: 'signup', password: 'attacker chose this' });
    expect(hijack.text).toContain('has an account already');
    expect((await s.gatehouse.store.users.findById(cfo.id))!.passwordHash).toBe(hashBefore);
    expect(await s.gatehouse.store.memberships.find(s.org.id, cfo.id)).toBeNull();
  });

  it('refuses inviting with roles holding a permission the caller lacks (403), and stores and mails nothing', async () => {
    const writer = await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS.filter((p) => p.endsWith(':read')), 'users:write']);
    await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'keymaster', permissions: ['api_keys:write'] });
    const before = (await s.gatehouse.store.invitations.list(s.org.id, { limit: 200 })).items.length;
    const mailsBefore = smtp.received.length;
    for (const roles of [['admin'], ['keymaster'], ['member', 'keymaster']]) {
      const res = await invite(writer.key, { email: 'mallory@evil.test', roles });
      expect([res.status, res.body.code]).toEqual([403, 'permission_escalation']);
    }
    expect((await invite(writer.key, { email: 'mallory@evil.test', roles: ['member'] })).status).toBe(201);
    await smtp.next();
    expect((await s.gatehouse.store.invitations.list(s.org.id, { limit: 200 })).items.length).toBe(before + 1);
    expect(smtp.received.length).toBe(mailsBefore + 1);
  });

  it('a weaker caller cannot revoke an invitation to stronger roles; a test key invites nobody; another organization sees nothing', async () => {
    const { body } = await invite(s.adminKey, { email: 'future-admin@acme.test', roles: ['admin'] }).expect(201);
    await smtp.next();
    const writer = await mintKey(s.gatehouse, s.org.id, ['users:read', 'users:write']);
    const revoke = await s.api().delete(`/v1/organizations/acme/invitations/${body.id}`).set('X-API-Key', writer.key);
    expect([revoke.status, revoke.body.code]).toEqual([403, 'permission_escalation']);
    const testKey = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    const fromTest = await invite(testKey.key, { email: 'x@acme.test', roles: ['member'] });
    expect([fromTest.status, fromTest.body.code]).toEqual([403, 'environment_escalation']);
    const hooli = await seedOrganization(s.gatehouse, 'hooli');
    const hooliKey = (await mintKey(s.gatehouse, hooli.id, MANAGEMENT_PERMISSIONS)).key;
    expect((await s.api().get('/v1/organizations/acme/invitations').set('X-API-Key', hooliKey)).status).toBe(404);
    expect((await s.api().get(`/v1/organizations/hooli/invitations/${body.id}`).set('X-API-Key', hooliKey)).status).toBe(404);
    expect((await s.api().delete(`/v1/organizations/hooli/invitations/${body.id}`).set('X-API-Key', hooliKey)).status).toBe(404);
    expect((await s.gatehouse.store.invitations.findById(s.org.id, body.id))!.revokedAt).toBeNull();
  });

  it('keeps the token only as a digest: not in the store, the API, the audit log nor the logs', async () => {
    const { body } = await invite(s.adminKey, { email: 'secret-link@acme.test' }).expect(201);
    const token = invitationLink(await smtp.next()).searchParams.get('token')!;
    await request(s.gatehouse.app.callback()).get(`/invitation?token=${token}`).expect(200);
    const row = await s.gatehouse.store.invitations.findById(s.org.id, body.id);
    const audit = JSON.stringify(await s.gatehouse.store.audit.list(s.org.id, { limit: 200 }));
    const list = JSON.stringify((await s.api().get('/v1/organizations/acme/invitations').set('X-API-Key', s.adminKey)).body);
    for (const text of [JSON.stringify(row), audit, list, logs]) expect(text).not.toContain(token);
    expect(logs).toContain('/invitation?token=[REDACTED]');
  });
});

describe('the invitation page: the login pages\' rules', () => {
  let link: URL;
  beforeAll(async () => {
    await invite(s.adminKey, { email: 'page@acme.test' }).expect(201);
    link = invitationLink(await smtp.next());
  });

  it('is a no-script page that cannot be framed nor cached', async () => {
    const res = await request(s.gatehouse.app.callback()).get(`${link.pathname}${link.search}`).expect(200);
    expect(res.text).not.toMatch(/<script/i);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['content-security-policy']).not.toMatch(/script-src/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('refuses a form without its CSRF token, or with another invitation\'s', async () => {
    const page = await request(s.gatehouse.app.callback()).get(`${link.pathname}${link.search}`);
    const { token } = invitationForm(page.text);
    const post = (form: Record<string, string>) => request(s.gatehouse.app.callback()).post('/invitation').type('form').send(form);
    expect((await post({ token, mode: 'signup', password: 'a fine passphrase', confirm: 'a fine passphrase' })).status).toBe(403);
    await invite(s.adminKey, { email: 'other-page@acme.test' }).expect(201);
    const other = invitationLink(await smtp.next());
    const otherPage = await request(s.gatehouse.app.callback()).get(`${other.pathname}${other.search}`);
    const { csrf } = invitationForm(otherPage.text);
    expect((await post({ token, csrf, mode: 'signup', password: 'a fine passphrase', confirm: 'a fine passphrase' })).status).toBe(403);
    expect(await s.gatehouse.identity.users.getByEmail('page@acme.test')).toBeNull();
  });

  it('takes password attempts from the login throttle of the account (429 with Retry-After), then sign-in is throttled too', async () => {
    const { user } = await s.gatehouse.identity.users.create({ email: 'guarded@elsewhere.test', password: 'the real passphrase' });
    await invite(s.adminKey, { email: 'guarded@elsewhere.test' }).expect(201);
    const guarded = invitationLink(await smtp.next());
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await acceptInvitation(s.gatehouse, guarded, { mode: 'signin', password: `guess number ${i}` }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(Number(answers[3].headers['retry-after'])).toBeGreaterThan(0);
    const right = await acceptInvitation(s.gatehouse, guarded, { mode: 'signin', password: 'the real passphrase' });
    expect(right.status).toBe(429);
    expect(await s.gatehouse.store.memberships.find(s.org.id, user.id)).toBeNull();
  });
});
