import { mailBackoffMs as backoffMs } from '../../../src/mail/worker.js';
import { renderMail } from '../../../src/mail/message.js';

describe('mail retry backoff', () => {
  it('doubles from the base per failed attempt, capped at an hour', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => backoffMs(30_000, n, mid))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(30_000, 40, mid)).toBe(3_600_000);
  });

  it('spreads retries by ±20 % so instances do not retry in step', () => {
    expect(backoffMs(1000, 1, () => 0)).toBe(800);
    expect(backoffMs(1000, 1, () => 1)).toBe(1200);
  });
});

describe('renderMail', () => {
  it('names the organization in both parts and escapes the HTML one', () => {
    const mail = renderMail('a@example.com', { id: 'org_1', name: 'Acme <Rockets> & Co' }, {
      subject: 'Hi', paragraphs: ['Hello "you"', 'https://x.example/invitation?token=abc&x=1'],
    });
    expect(mail.text).toContain('Sent by Gatehouse on behalf of Acme <Rockets> & Co.');
    expect(mail.html).toContain('Acme &lt;Rockets&gt; &amp; Co');
    expect(mail.html).toContain('<a href="https://x.example/invitation?token=abc&amp;x=1">');
    expect(mail.html).not.toContain('<Rockets>');
    expect(renderMail('a@example.com', null, { subject: 's', paragraphs: ['p'] }).text).toContain('Sent by Gatehouse.');
  });
});
