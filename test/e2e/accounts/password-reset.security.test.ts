import { performance } from 'node:perf_hooks';
import { tokenDigest } from '../../../src/accounts/links.js';
import { takeLoginAttempt } from '../../../src/accounts/throttle.js';
import { newId } from '../../../src/domain/ids.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { followLink, formNamed, linkIn, settle, startWithSmtp, stopWithSmtp, submitPage, visibleText } from '../../support/accounts.js';
import { outboxMails, type SmtpSink } from '../../support/mail.js';
import { FormAgent, seedOAuth } from '../../support/oauth.js';

let server: RunningGatehouse;
let smtp: SmtpSink;

// generous budgets: the timing test below sends many requests from one address for one email
beforeAll(async () => ({ server, smtp } = await startWithSmtp({
  accounts: { selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: 10_000, windowSeconds: 900 }, mailsPerAddress: { limit: 10_000, windowSeconds: 3600 } },
})));
afterAll(() => stopWithSmtp(server, smtp));

/** Asks for a reset link; @returns the page and the link mailed (after the background work and the outbox ran). */
async function requestLink(email: string) {
  const page = await submitPage(new FormAgent(), server.url, '/password/forgot', { email });
  await settle(server.gatehouse);
  return page;
}

async function mailedLink(): Promise<URL> {
  return linkIn(await smtp.next(), '/password/reset');
}

const NEW = { password: 'another fine passphrase', confirm: 'another fine passphrase' };

describe('password reset links', () => {
  it('work once: a replayed link gets "Link unavailable"', async () => {
    const { email } = await seedOAuth(server.gatehouse);
    await requestLink(email);
    const link = await mailedLink();
    expect((await followLink(server.url, link, NEW)).status).toBe(200);
    await smtp.next(); // the notice
    const replay = await followLink(server.url, link, NEW);
    expect(replay.status).toBe(404);
    expect(visibleText(replay.html)).toContain('Link unavailable');
  });

  it('expire: a link past its 30 minutes is refused, on the page and on the form', async () => {
    const { user } = await seedOAuth(server.gatehouse);
    const token = 'E'.repeat(43);
    const past = new Date(Date.now() - 1000);
    await server.gatehouse.store.accountTokens.create({
      id: newId('tok'), kind: 'password_reset', userId: user.id, digest: tokenDigest(token), binding: null,
      createdAt: new Date(past.getTime() - 30 * 60_000), expiresAt: past, usedAt: null,
    });
    const res = await new FormAgent().request(`${server.url}/password/reset?token=${token}`);
    expect(res.status).toBe(404);
    expect(await server.gatehouse.accounts.passwordReset.complete(token, NEW.password, null)).toEqual({ ok: false, reason: 'invalid_link' });
  });

  it('are superseded by a newer one, and a refused password does not spend the link', async () => {
    const { email } = await seedOAuth(server.gatehouse);
    await requestLink(email);
    const first = await mailedLink();
    await requestLink(email);
    const second = await mailedLink();
    expect((await followLink(server.url, first, NEW)).status).toBe(404);
    const short = await followLink(server.url, second, { password: 'short', confirm: 'short' });
    expect(short.status).toBe(400);
    expect(visibleText(short.html)).toContain('must be at least 8 characters');
    expect((await followLink(server.url, second, NEW)).status).toBe(200);
    await smtp.next();
  });

  it('refuse a POST whose CSRF token is not the link\'s own, and a token of another kind', async () => {
    const { email } = await seedOAuth(server.gatehouse);
    await requestLink(email);
    const link = await mailedLink();
    const token = link.searchParams.get('token')!;
    const res = await new FormAgent().request(`${server.url}/password/reset`, { form: { token, csrf: 'forged', ...NEW } });
    expect(res.status).toBe(403);
    // the reset token on the verification page: nothing, and the reset link still works
    expect((await new FormAgent().request(`${server.url}/verify-email?token=${token}`)).status).toBe(404);
    expect((await followLink(server.url, link, NEW)).status).toBe(200);
    await smtp.next();
  });

  it('let a person locked out by failed sign-ins back in at once with the new password', async () => {
    const { email, user } = await seedOAuth(server.gatehouse);
    const throttles = server.gatehouse.config.throttles;
    while ((await takeLoginAttempt(server.gatehouse.store, throttles, email, '203.0.113.9')) === null);
    await requestLink(email);
    expect((await followLink(server.url, await mailedLink(), NEW)).status).toBe(200);
    await smtp.next();
    expect(await takeLoginAttempt(server.gatehouse.store, throttles, email, '203.0.113.10')).toBeNull();
    expect(await server.gatehouse.identity.users.verifyPassword(email, NEW.password)).toMatchObject({ id: user.id });
  });

  it('never go to a disabled account', async () => {
    const { email, user } = await seedOAuth(server.gatehouse);
    await server.gatehouse.identity.users.update(user.id, { disabled: true });
    await requestLink(email);
    await expect(smtp.next(300)).rejects.toThrow(/no mail/);
  });
});

describe('the "Forgot password?" page', () => {
  it('answers an email with an account and one without in the same words', async () => {
    const { email } = await seedOAuth(server.gatehouse);
    const known = await requestLink(email);
    await mailedLink();
    const unknown = await requestLink('nobody-here@example.com');
    await expect(smtp.next(300)).rejects.toThrow(/no mail/);
    expect(known.status).toBe(unknown.status);
    expect(visibleText(known.html).replace(email, 'X')).toBe(visibleText(unknown.html).replace('nobody-here@example.com', 'X'));
  });

  it('takes the same time whether or not the email has an account (medians within 20 %)', async () => {
    // mail written as .eml files: the test's own SMTP server would parse mail in this very process, between the answers it times
    const quiet = await startTestServer({
      accounts: { selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: 10_000, windowSeconds: 900 }, mailsPerAddress: { limit: 10_000, windowSeconds: 3600 } },
    });
    try {
      // every request names an address never asked about before (as an attacker sweeping addresses would): half have accounts
      const { org } = await seedOAuth(quiet.gatehouse);
      const hash = (await quiet.gatehouse.store.users.findByEmail((await quiet.gatehouse.identity.members.list(org.id)).items[0].user!.email))!.passwordHash;
      const accountsFor = async (prefix: string, n: number) => {
        const emails = Array.from({ length: n }, (_, i) => `${prefix}-${i}@example.com`);
        for (const email of emails) {
          await quiet.gatehouse.store.users.create({ id: newId('usr'), email, name: null, passwordHash: hash, disabled: false, emailVerified: true, createdAt: new Date(), updatedAt: new Date() });
        }
        return emails;
      };
      const knownEmails = await accountsFor('known', 105);
      const agent = new FormAgent();
      const page = await (await agent.request(`${quiet.url}/password/forgot`)).text();
      const { fields } = formNamed(page);
      const once = async (address: string) => {
        const started = performance.now();
        const res = await agent.request(`${quiet.url}/password/forgot`, { form: { ...fields, email: address } });
        await res.text();
        expect(res.status).toBe(200);
        return performance.now() - started;
      };
      // an address is asked three times in a row and its fastest answer counts: the load of a shared
      // machine only ever adds time, and it would otherwise decide where the medians fall
      const timed = async (address: string) => Math.min(await once(address), await once(address), await once(address));
      for (let i = 0; i < 10; i++) await once(i % 2 ? knownEmails.pop()! : `warm-${i}@example.com`);
      const known: number[] = [];
      const unknown: number[] = [];
      // rounds of 10 pairs, each pair in random order, so whatever load the machine has falls on both
      // alike; between rounds the work queued after the answers (200 ms later at the earliest) is let
      // finish, so the answers timed are the pages' own and not this process catching up on it
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 10; i++) {
          const pair = Math.random() < 0.5 ? [true, false] : [false, true];
          for (const isKnown of pair) {
            if (isKnown) known.push(await timed(knownEmails.pop()!));
            else unknown.push(await timed(`nobody-${round}-${i}@example.com`));
          }
        }
        await settle(quiet.gatehouse);
      }
      await settle(quiet.gatehouse);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const [a, b] = [median(known), median(unknown)];
      expect(Math.abs(a - b) / Math.min(a, b)).toBeLessThan(0.2);
      // the known address did get its links (the work happened, after the answers)
      expect((await outboxMails(quiet.gatehouse.config.dataDir)).filter((m) => m.subject?.startsWith('Reset your password')).length).toBe(3 * known.length + 5);
      expect(knownEmails).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });

  it('is throttled per address (429 with Retry-After) and keeps to the mail budget of one address', async () => {
    const limited = await startTestServer({
      smtpUrl: smtp.url,
      accounts: { selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: 4, windowSeconds: 900 }, mailsPerAddress: { limit: 2, windowSeconds: 3600 } },
    });
    try {
      const { email } = await seedOAuth(limited.gatehouse);
      const before = smtp.received.length;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await submitPage(new FormAgent(), limited.url, '/password/forgot', { email });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      await settle(limited.gatehouse);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      await smtp.next();
      await smtp.next();
      await expect(smtp.next(300)).rejects.toThrow(/no mail/);
      expect(smtp.received.length - before).toBe(2);
    } finally {
      await limited.stop();
    }
  });

  it('refuses a POST without the browser\'s CSRF cookie and token, and sends nothing', async () => {
    const { email } = await seedOAuth(server.gatehouse);
    const page = await (await new FormAgent().request(`${server.url}/password/forgot`)).text();
    const { fields } = formNamed(page);
    // the token without the cookie it was made for (another browser, or a cross-site form)
    const res = await new FormAgent().request(`${server.url}/password/forgot`, { form: { ...fields, email } });
    expect(res.status).toBe(403);
    await settle(server.gatehouse);
    await expect(smtp.next(300)).rejects.toThrow(/no mail/);
  });
});
