import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { DomainDnsCheck } from '../../../src/sso/dns-check.js';
import { startDnsServer, type DnsServer } from '../../support/dns-server.js';

let dns: DnsServer;
let silent: Socket;
let silentAddress: string;

beforeAll(async () => {
  dns = await startDnsServer();
  // a server that never answers: queries to it time out
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  silentAddress = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await dns.close();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('the DNS check of a domain verification record', () => {
  const check = () => new DomainDnsCheck({ servers: [dns.address], timeoutMs: 2000 });

  it('finds the value among the TXT records of the name, through the configured server', async () => {
    dns.setTxt('_gatehouse-challenge.acme.test', [['v=spf1 -all'], ['gatehouse-domain-verification=abc123']]);
    const before = dns.questions;
    await expect(check().check('_gatehouse-challenge.acme.test', 'gatehouse-domain-verification=abc123')).resolves.toEqual({ ok: true });
    expect(dns.questions).toBeGreaterThan(before);
  });

  it('joins a long value split into several strings of one record', async () => {
    const value = `gatehouse-domain-verification=${'x'.repeat(300)}`;
    dns.setTxt('_gatehouse-challenge.long.test', [[value.slice(0, 255), value.slice(255)]]);
    await expect(check().check('_gatehouse-challenge.long.test', value)).resolves.toEqual({ ok: true });
  });

  it('says the record is absent when the name does not exist, and a mismatch when no record holds the value', async () => {
    dns.setTxt('_gatehouse-challenge.other.test', [['gatehouse-domain-verification=someone-else']]);
    await expect(check().check('_gatehouse-challenge.nowhere.test', 'x')).resolves.toMatchObject({ ok: false, reason: 'absent' });
    await expect(check().check('_gatehouse-challenge.other.test', 'gatehouse-domain-verification=mine'))
      .resolves.toMatchObject({ ok: false, reason: 'mismatch' });
    // a prefix of the value is not the value
    await expect(check().check('_gatehouse-challenge.other.test', 'gatehouse-domain-verification=someone'))
      .resolves.toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('says DNS is unreachable when the server does not answer within the timeout', async () => {
    const started = Date.now();
    const outcome = await new DomainDnsCheck({ servers: [silentAddress], timeoutMs: 200 }).check('_gatehouse-challenge.acme.test', 'x');
    expect(outcome).toMatchObject({ ok: false, reason: 'unreachable', detail: expect.stringMatching(/ETIMEOUT/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
