import { randomBytes } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTestGatehouse } from '../../support/harness.js';
import { outboxMails, startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { createLogger } from '../../../src/ops/logger.js';
import { openStore } from '../../../src/store/open.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import type { Store } from '../../../src/store/ports.js';

const LINK = 'https://gatehouse.example/invitation?token=very-secret-link-token-0123456789abcdefghijk';
const content = (n = 0) => ({ subject: `Hello ${n}`, paragraphs: ['Hi,', 'Follow this:', LINK] });
const acme = { id: 'org_acme', name: 'Acme Rockets' };
const fast = { pollIntervalMs: 50, maxAttempts: 3, retryBaseMs: 50, leaseMs: 5000 };
/** instances sharing a store share the master secret, as a deployment's do */
const secret = randomBytes(32).toString('base64url');

/** Polls the outbox until the message has left `pending` (the SMTP reply reaches the store just after the message reaches the server). */
async function settled(store: Store, id: string) {
  const deadline = Date.now() + 5000;
  let mail = await store.mailOutbox.findById(id);
  while (mail?.status === 'pending' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    mail = await store.mailOutbox.findById(id);
  }
  return mail;
}

let smtp: SmtpSink;
beforeAll(async () => { smtp = await startSmtpSink(); });
afterAll(() => smtp.close());

describe('mail over SMTP through the stored outbox', () => {
  let gh: Gatehouse;
  beforeAll(async () => { gh = await createTestGatehouse({ secret, smtpUrl: smtp.url, mailFrom: 'Acme via Gatehouse <no-reply@gatehouse.test>', mail: fast }); });
  afterAll(() => gh.close());

  it('delivers a mail with a plain-text and an HTML part, both naming the organization', async () => {
    await gh.mail.mailer.send({ to: 'ada@example.com', kind: 'test', organization: acme, content: content() });
    const mail = await smtp.next();
    expect(mail.subject).toBe('Hello 0');
    expect(mail.from?.text).toBe('"Acme via Gatehouse" <no-reply@gatehouse.test>');
    expect(smtp.recipients.at(-1)).toEqual(['ada@example.com']);
    expect(mail.text).toContain(LINK);
    expect(mail.text).toContain('Acme Rockets');
    expect(mail.html).toContain(`<a href="${LINK}">`);
    expect(mail.html).toContain('Acme Rockets');
  });

  it('keeps only a sealed body in the store while pending, and none once sent', async () => {
    const stopped = await createTestGatehouse({ secret, smtpUrl: smtp.url, mail: fast }, { store: gh.store });
    await stopped.mail.worker.close();
    const id = await stopped.mail.mailer.send({ to: 'sealed@example.com', kind: 'test', organization: acme, content: content(1) });
    const pending = await gh.store.mailOutbox.findById(id);
    expect(pending).toMatchObject({ status: 'pending', kind: 'test', organizationId: acme.id });
    expect(JSON.stringify(pending)).not.toContain('very-secret-link-token');
    expect(JSON.stringify(pending)).not.toContain('sealed@example.com');
    await gh.mail.worker.drain();
    expect((await smtp.next()).subject).toBe('Hello 1');
    expect(await settled(gh.store, id)).toMatchObject({ status: 'sent', sealed: '', attempts: 0 });
    await stopped.close();
  });

  it('retries a temporary SMTP failure with backoff, then delivers', async () => {
    smtp.failNext(2);
    const id = await gh.mail.mailer.send({ to: 'retry@example.com', kind: 'test', organization: acme, content: content(2) });
    const mail = await smtp.next(5000);
    expect(mail.subject).toBe('Hello 2');
    const stored = await settled(gh.store, id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
    expect(stored!.lastError).toMatch(/451/);
  });

  it('gives up after mail.maxAttempts and erases the body', async () => {
    smtp.failNext(3);
    const id = await gh.mail.mailer.send({ to: 'never@example.com', kind: 'test', organization: acme, content: content(3) });
    expect(await settled(gh.store, id)).toMatchObject({ status: 'failed', attempts: 3, sealed: '' });
  });
});

describe('the outbox across processes', () => {
  let dir: string;
  let url: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-'));
    url = `sqlite:${join(dir, 'store.db')}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a restart: mail enqueued by an instance that stopped is sent by the next one', async () => {
    const first = await createTestGatehouse({ secret, databaseUrl: url, smtpUrl: 'smtp://127.0.0.1:1', mail: fast });
    await first.mail.worker.close();
    const id = await first.mail.mailer.send({ to: 'later@example.com', kind: 'test', organization: acme, content: content(4) });
    await first.close();
    const second = await createTestGatehouse({ secret, databaseUrl: url, smtpUrl: smtp.url, mail: fast });
    try {
      await second.mail.worker.drain();
      expect((await smtp.next()).subject).toBe('Hello 4');
      expect((await settled(second.store, id))!.status).toBe('sent');
    } finally {
      await second.close();
    }
  });

  it('two instances on one store send each of 30 mails exactly once', async () => {
    const stores: Store[] = [await openStore(url), await openStore(url)];
    const [a, b] = await Promise.all(stores.map((store) => createTestGatehouse({ secret, databaseUrl: url, smtpUrl: smtp.url, mail: fast }, { store })));
    try {
      const before = smtp.received.length;
      const ids = [];
      for (let n = 0; n < 30; n++) ids.push(await (n % 2 ? a : b).mail.mailer.send({ to: `m${n}@example.com`, kind: 'test', organization: acme, content: content(100 + n) }));
      await Promise.all([a.mail.worker.drain(), b.mail.worker.drain()]);
      for (const id of ids) expect((await settled(a.store, id))!.status).toBe('sent');
      // a duplicate would have arrived by now too: every message is settled
      const subjects = smtp.received.slice(before).map((m) => m.subject);
      expect(subjects).toHaveLength(30);
      expect(new Set(subjects).size).toBe(30);
      for (let n = 0; n < 30; n++) await smtp.next();
    } finally {
      await a.close();
      await b.close();
      for (const s of stores) await s.close();
    }
  });
});

describe('without GATEHOUSE_SMTP_URL: .eml files under <dataDir>/outbox/', () => {
  it('writes the mail as an .eml file readable by its owner only, and logs its path, never its link', async () => {
    let logs = '';
    const sink = new Writable({ write(chunk, _e, done) { logs += chunk.toString(); done(); } });
    const gh = await createTestGatehouse({ mail: fast }, { logger: createLogger('info', sink) });
    try {
      const id = await gh.mail.mailer.send({ to: 'dev@example.com', kind: 'test', organization: acme, content: content(5) });
      await gh.mail.worker.drain();
      const [mail] = await outboxMails(gh.config.dataDir);
      expect(mail.subject).toBe('Hello 5');
      expect(mail.text).toContain(LINK);
      const path = join(gh.config.dataDir, 'outbox', `${id}.eml`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toContain('Acme Rockets');
      expect(logs).toContain(path);
      expect(logs).not.toContain('very-secret-link-token');
      expect(logs).not.toContain('dev@example.com');
    } finally {
      await gh.close();
    }
  });
});
