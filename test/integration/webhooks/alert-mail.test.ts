import type { ParsedMail } from 'mailparser';
import { OPERATOR } from '../../../src/audit/actor.js';
import { KeyReminders } from '../../../src/events/key-reminders.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import type { Mailer, SendMailInput } from '../../../src/mail/mailer.js';
import { mailedAlerts } from '../../../src/webhooks/alert-mail.js';
import type { Alert, AlertNotifier } from '../../../src/webhooks/alerts.js';
import { DeliveryWorker } from '../../../src/webhooks/worker.js';
import { createTestGatehouse } from '../../support/harness.js';
import { startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { PASSWORD } from '../../support/oauth.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const H = 3_600_000;
const DAY = 24 * H;

let gh: Gatehouse;
let smtp: SmtpSink;
let receiver: WebhookReceiver;
let orgId: string;
let clock: number;

/** A worker on a fake clock (the server's own is off) that mails alerts as the server's does, through `mailer`. */
const workerWith = (alerts: AlertNotifier) => new DeliveryWorker({
  store: gh.store, secrets: gh.secrets, events: gh.events, config: gh.config.webhooks, logger: gh.logger,
  alerts, now: () => new Date(clock), random: () => 0.5,
});
const notifierWith = (mailer: Pick<Mailer, 'send'>) => mailedAlerts({ store: gh.store, mailer, issuer: gh.config.issuer });

/** The mails the SMTP server received whose subject contains `about`, as (recipient, mail). */
async function mailsAbout(about: string): Promise<Array<{ to: string[]; mail: ParsedMail }>> {
  await gh.mail.worker.drain();
  return smtp.received.map((mail, i) => ({ to: smtp.recipients[i], mail })).filter((m) => m.mail.subject?.includes(about));
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  receiver = await startWebhookReceiver();
  receiver.answer = () => 503;
  gh = await createTestGatehouse({
    // reminders about key age stay out of the way: only the expiry notice is under test
    smtpUrl: smtp.url, webhooks: { allowPrivateNetworks: true, worker: false, reminders: { rotationAfterDays: 3650 } },
    mail: { pollIntervalMs: 50, maxAttempts: 3, retryBaseMs: 50, leaseMs: 5000 },
  }, { backgroundWork: false });
  orgId = (await gh.identity.organizations.create({ slug: 'acme', name: 'Acme Rockets', plan: 'pro' })).id;
  const person = async (email: string, roles: string[]) =>
    (await gh.identity.users.create({ email, password: PASSWORD, organizationId: orgId, roles })).user.id;
  await person('ada@acme.test', ['admin']);
  await person('eve@acme.test', ['admin']);
  await person('carl@acme.test', ['member']);
  // an admin disabled in the organization, and one whose account is disabled: neither is alerted
  await gh.identity.members.update(OPERATOR, orgId, await person('bob@acme.test', ['admin']), { disabled: true });
  await gh.identity.users.update(await person('dee@acme.test', ['admin']), { disabled: true });
});
afterAll(async () => {
  await receiver.close();
  await gh.close();
  await smtp.close();
});

describe("alerts mailed to the organization's admins (a real SMTP server)", () => {
  it('mails webhook_endpoint.disabled to each enabled admin once: plain text, the organization, what happened and what to do', async () => {
    const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: `${receiver.url}/down?token=s3cret`, events: ['api_key.created'] });
    clock = Date.parse('2031-01-01T00:00:00Z');
    const offered: Alert[] = [];
    const worker = workerWith({ notify: async (alert) => { offered.push(alert); await notifierWith(gh.mail.mailer).notify(alert); } });
    for (let step = 0; step < 40 && (await gh.store.webhookEndpoints.findById(orgId, endpoint.id))!.enabled; step++) {
      await gh.apiKeys.create(OPERATOR, orgId, { name: `k${step}`, permissions: ['users:read'] });
      await worker.round();
      clock += 6 * H;
    }
    expect((await gh.store.webhookEndpoints.findById(orgId, endpoint.id))!.enabled).toBe(false);
    await worker.round(); // dispatches the alert
    await worker.round(); // and again: nothing more is mailed

    const mails = await mailsAbout('webhook endpoint was disabled');
    expect(mails.map((m) => m.to).sort()).toEqual([['ada@acme.test'], ['eve@acme.test']]);
    const { mail } = mails[0];
    expect(mail.subject).toBe('[Acme Rockets] A webhook endpoint was disabled');
    expect(mail.html).toBeTruthy();
    const text = mail.text!;
    expect(text).toContain(`${receiver.url}/down (${endpoint.id})`);
    expect(text).toContain('has failed since 2031-01-01 00:00 UTC');
    expect(text).toContain('What to do: Fix the receiver, then enable the endpoint again');
    expect(text).toContain(`${gh.config.issuer}/console/o/acme`);
    expect(text).toContain('You receive this because you are an admin of Acme Rockets.');
    expect(text).toContain('Sent by Gatehouse on behalf of Acme Rockets.');
    // the endpoint's query (it may hold a token) is in no mail
    expect(smtp.received.some((m) => m.text?.includes('s3cret') || m.html?.toString().includes('s3cret'))).toBe(false);

    // offered again (another instance's dispatcher, a restart): nobody is mailed twice
    expect(offered.map((a) => a.type)).toEqual(['webhook_endpoint.disabled']);
    await notifierWith(gh.mail.mailer).notify(offered[0]);
    expect(await mailsAbout('webhook endpoint was disabled')).toHaveLength(2);
  });

  it('mails api_key.expiring once per admin even when the dispatch is retried after mailing some of them', async () => {
    const T0 = Date.parse('2032-03-01T00:00:00Z');
    clock = T0;
    const { record } = await gh.apiKeys.create(OPERATOR, orgId, { name: 'deploy bot', permissions: ['users:read'] });
    await gh.store.apiKeys.update(record.id, { expiresAt: new Date(T0 + 14 * DAY + H) });
    const sweep = new KeyReminders({ store: gh.store, events: gh.events, config: gh.config.webhooks.reminders, now: () => new Date(clock) });
    await sweep.sweep();
    clock += 2 * H; // the 14-day moment passes
    expect(await sweep.sweep()).toBe(1);

    // the outbox fails once on the second recipient: the first round mails one admin, the event waits, the next round mails the other
    let sends = 0;
    const flaky = { send: (async (input: SendMailInput) => {
      if (++sends === 2) throw new Error('the store did not answer');
      return gh.mail.mailer.send(input);
    }) as Mailer['send'] };
    const worker = workerWith(notifierWith(flaky));
    await worker.round();
    expect(await mailsAbout('expires in 14 days')).toHaveLength(1);
    expect((await gh.store.events.undispatched(100)).map((e) => e.type)).toContain('api_key.expiring');
    await worker.round();
    await worker.round();
    expect((await gh.store.events.undispatched(100)).map((e) => e.type)).not.toContain('api_key.expiring');
    expect(sends).toBe(4);

    const mails = await mailsAbout('expires in 14 days');
    expect(mails.map((m) => m.to).sort()).toEqual([['ada@acme.test'], ['eve@acme.test']]);
    const text = mails[0].mail.text!;
    expect(mails[0].mail.subject).toBe('[Acme Rockets] API key "deploy bot" expires in 14 days');
    expect(text).toContain(`Key: "deploy bot" (${record.id}, live, starting ${record.start}…), expires 2032-03-15 01:00 UTC.`);
    expect(text).toContain('What to do: If it is still in use, rotate it');
    expect(text).toContain(`${gh.config.issuer}/console/o/acme/api-keys`);
    expect(text).toContain('Sent by Gatehouse on behalf of Acme Rockets.');
    expect(text).not.toContain(record.digest);
  });
});
