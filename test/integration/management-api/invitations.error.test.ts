import { inviteAndJoin } from '../../support/invitations.js';
import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite({ invitations: { perOrganization: { limit: 8, windowSeconds: 3600 } } });

const as = () => ({ 'X-API-Key': s.adminKey });
const invite = (body: object) => s.api().post('/v1/organizations/acme/invitations').set(as()).send(body);

describe('invitations: bad requests', () => {
  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['a missing email', { roles: ['member'] }, 'email'],
    ['an unknown role', { email: 'r@acme.test', roles: ['overlord'] }, 'roles'],
    ['a password (nobody sets one for someone else)', { email: 'r@acme.test', password: 'a long enough password' }, 'password'],
  ])('answers 400 for %s, naming the field', async (_l, body, field) => {
    expectFieldProblem(await invite(body), field);
  });

  it('answers 409 for an email of a member already', async () => {
    const res = await invite({ email: 'Admin@Acme.test' });
    expect([res.status, res.body.code]).toEqual([409, 'already_member']);
  });

  it('answers 404 for an unknown invitation and 409 for revoking an accepted one', async () => {
    await s.api().get('/v1/organizations/acme/invitations/inv_01aaaaaaaaaaaaaaaaaaaaaaaa').set(as()).expect(404);
    await s.api().delete('/v1/organizations/acme/invitations/inv_01aaaaaaaaaaaaaaaaaaaaaaaa').set(as()).expect(404);
    const { invitationId } = await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'joined@acme.test', ['member']);
    const res = await s.api().delete(`/v1/organizations/acme/invitations/${invitationId}`).set(as());
    expect([res.status, res.body.code]).toEqual([409, 'invitation_accepted']);
  });

  it('limits how many invitations (mails to outsiders) an organization sends per window: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await invite({ email: `bulk${i}@example.com` })).status);
    const over = await invite({ email: 'one-too-many@example.com' });
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // refusals before the budget (400, 409) take nothing from it: exactly 8 invitations exist, the one before included
    const stored = (await s.gatehouse.store.invitations.list(s.org.id, { limit: 200 })).items.map((i) => i.email);
    expect(stored).toHaveLength(8);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429]);
  });

  it('answers 404 on the page for a malformed or unknown token', async () => {
    for (const token of ['', 'short', 'x'.repeat(43), '<script>']) {
      const res = await s.api().get(`/invitation?token=${encodeURIComponent(token)}`);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('<script>');
    }
    const res = await s.api().put('/invitation');
    expect([res.status, res.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
  });
});
