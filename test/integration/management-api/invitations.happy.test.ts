import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { newId } from '../../../src/domain/ids.js';
import { OPERATOR } from '../../../src/audit/actor.js';
import { acceptInvitation } from '../../support/invitations.js';
import { invitationLink, startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { seed, type Seeded } from '../../support/seed.js';

let smtp: SmtpSink;
let s: Seeded;
beforeAll(async () => {
  smtp = await startSmtpSink();
  s = await seed({ smtpUrl: smtp.url });
  await s.gatehouse.identity.organizations.update(s.org.id, { name: 'Acme Rockets' });
});
afterAll(async () => {
  await s.close();
  await smtp.close();
});

const as = () => ({ 'X-API-Key': s.adminKey });
const invite = (body: object) => s.api().post('/v1/organizations/acme/invitations').set(as()).send(body);

describe('invitations', () => {
  it('mails a single-use link; a new person opens it, chooses a password and joins with the invited roles', async () => {
    await s.gatehouse.identity.roles.create(OPERATOR, s.org.id, { name: 'auditor', permissions: ['audit:read'] });
    const res = await invite({ email: 'Nora@Example.com', roles: ['member', 'auditor'] }).expect(201);
    expect(res.body).toEqual({
      object: 'invitation', id: expect.stringMatching(/^inv_/), email: 'nora@example.com', roles: ['member', 'auditor'],
      status: 'pending', invited_by: expect.stringMatching(/^api_key:key_/), created_at: expect.any(String),
      expires_at: expect.any(String), accepted_at: null, accepted_by: null, revoked_at: null,
    });
    expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBe(7 * 86_400_000);

    const mail = await smtp.next();
    expect(smtp.recipients.at(-1)).toEqual(['nora@example.com']);
    expect(mail.subject).toBe('You are invited to join Acme Rockets');
    expect(mail.text).toContain('Acme Rockets');
    const link = invitationLink(mail);
    expect(link.origin).toBe(new URL(s.gatehouse.config.issuer).origin);

    const page = await request(s.gatehouse.app.callback()).get(`${link.pathname}${link.search}`).expect(200);
    expect(page.text).toContain('Join Acme Rockets');
    expect(page.text).toContain('nora@example.com');

    const joined = await acceptInvitation(s.gatehouse, link, { mode: 'signup', password: 'my own new passphrase' });
    expect(joined.status).toBe(200);
    expect(joined.text).toContain('You joined Acme Rockets');
    const user = await s.gatehouse.identity.users.verifyPassword('nora@example.com', 'my own new passphrase');
    expect(user).not.toBeNull();
    const member = await s.api().get(`/v1/organizations/acme/users/${user!.id}`).set(as()).expect(200);
    expect(member.body.roles).toEqual(['member', 'auditor']);
    const after = await s.api().get(`/v1/organizations/acme/invitations/${res.body.id}`).set(as()).expect(200);
    expect(after.body).toMatchObject({ status: 'accepted', accepted_by: user!.id });
  });

  it('someone with an account signs in with their own password to join; their password stays theirs', async () => {
    const beta = await s.gatehouse.identity.organizations.create({ slug: 'beta' });
    const { user } = await s.gatehouse.identity.users.create({ email: 'lin@beta.test', password: 'lin secret passphrase', organizationId: beta.id, roles: ['admin'] });
    await invite({ email: 'lin@beta.test', roles: ['member'] }).expect(201);
    const link = invitationLink(await smtp.next());
    const wrong = await acceptInvitation(s.gatehouse, link, { mode: 'signin', password: 'not my password at all' });
    expect(wrong.text).toContain('Incorrect password');
    const joined = await acceptInvitation(s.gatehouse, link, { mode: 'signin', password: 'lin secret passphrase' });
    expect(joined.status).toBe(200);
    expect(joined.text).toContain('You joined Acme Rockets');
    expect((await s.gatehouse.store.memberships.find(s.org.id, user.id))!.roles).toEqual(['member']);
    expect((await s.gatehouse.store.memberships.find(beta.id, user.id))!.roles).toEqual(['admin']);
    expect(await s.gatehouse.identity.users.verifyPassword('lin@beta.test', 'lin secret passphrase')).not.toBeNull();
  });

  it('a link works once', async () => {
    await invite({ email: 'once@example.com' }).expect(201);
    const link = invitationLink(await smtp.next());
    expect((await acceptInvitation(s.gatehouse, link, { mode: 'signup', password: 'first time passphrase' })).status).toBe(200);
    const again = await acceptInvitation(s.gatehouse, link, { mode: 'signup', password: 'second time passphrase' });
    expect(again.status).toBe(404);
    expect(again.text).toContain('Invitation unavailable');
  });

  it('lists invitations newest first, and a revoked one no longer opens', async () => {
    const { body } = await invite({ email: 'revoked@example.com' }).expect(201);
    const link = invitationLink(await smtp.next());
    const list = await s.api().get('/v1/organizations/acme/invitations').set(as()).expect(200);
    expect(list.body.data[0]).toMatchObject({ id: body.id, status: 'pending' });
    await s.api().delete(`/v1/organizations/acme/invitations/${body.id}`).set(as()).expect(204);
    expect((await s.api().get(`/v1/organizations/acme/invitations/${body.id}`).set(as())).body.status).toBe('revoked');
    expect((await request(s.gatehouse.app.callback()).get(`${link.pathname}${link.search}`)).status).toBe(404);
    expect(await s.gatehouse.identity.users.getByEmail('revoked@example.com')).toBeNull();
  });

  it('a link opens for 7 days, not after', async () => {
    // two invitations as the service stores them, one made 6 days ago and one 8 days ago
    const made = (daysAgo: number) => {
      const token = randomBytes(32).toString('base64url');
      const createdAt = new Date(Date.now() - daysAgo * 86_400_000);
      return { token, row: {
        id: newId('inv'), organizationId: s.org.id, email: `d${daysAgo}@example.com`, roles: ['member'],
        tokenDigest: createHash('sha256').update(token).digest('base64url'), invitedBy: 'cli', createdAt,
        expiresAt: new Date(createdAt.getTime() + 7 * 86_400_000), acceptedAt: null, acceptedBy: null, revokedAt: null,
      } };
    };
    const fresh = made(6);
    const stale = made(8);
    for (const { row } of [fresh, stale]) await s.gatehouse.store.invitations.create(row);
    const open = (token: string) => request(s.gatehouse.app.callback()).get(`/invitation?token=${token}`);
    expect((await open(fresh.token)).status).toBe(200);
    expect((await open(stale.token)).status).toBe(404);
    expect((await s.api().get(`/v1/organizations/acme/invitations/${stale.row.id}`).set(as())).body.status).toBe('expired');
    const late = await acceptInvitation(s.gatehouse, new URL(`${s.gatehouse.config.issuer}/invitation?token=${stale.token}`), { mode: 'signup', password: 'too late passphrase' });
    expect(late.status).toBe(404);
    expect(await s.gatehouse.identity.users.getByEmail('d8@example.com')).toBeNull();
  });
});
