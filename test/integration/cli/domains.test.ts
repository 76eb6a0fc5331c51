import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { createTestCli, type TestCli } from '../../support/cli.js';
import { startDnsServer, type DnsServer } from '../../support/dns-server.js';
import { createTestGatehouse } from '../../support/harness.js';

/*
 * The operator's part of single sign-on: organizations claim domains over the API (here through
 * the service, on the CLI's own SQLite file); only the CLI verifies them, through DNS
 * (`sso.dnsServers` pointing at a DNS server started here) or on the operator's word.
 */
let cli: TestCli;
let dns: DnsServer;
let silent: Socket;
let gh: Gatehouse;
let withDns: string;
let withDeadDns: string;

/** A working directory whose `config/test.json` sets `sso`. */
function configDir(name: string, sso: Record<string, unknown>): string {
  const dir = join(cli.dir, name);
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config', 'test.json'), JSON.stringify({ logLevel: 'silent', sso }));
  return dir;
}

beforeAll(async () => {
  cli = createTestCli();
  dns = await startDnsServer();
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  withDns = configDir('with-dns', { dnsServers: [dns.address] });
  withDeadDns = configDir('dead-dns', { dnsServers: [`127.0.0.1:${(silent.address() as AddressInfo).port}`], dnsTimeoutMs: 200 });
  expect((await cli.run(['orgs', 'create', 'acme'])).code).toBe(0);
  expect((await cli.run(['orgs', 'create', 'globex'])).code).toBe(0);
  gh = await createTestGatehouse({ databaseUrl: cli.env.DATABASE_URL, secret: cli.env.GATEHOUSE_SECRET }, { backgroundWork: false });
  const [acme, globex] = [await gh.identity.organizations.resolve('acme'), await gh.identity.organizations.resolve('globex')];
  await gh.sso.domains.claim(OPERATOR, acme!.id, 'acme.test');
  await gh.sso.domains.claim(OPERATOR, globex!.id, 'acme.test');
  await gh.sso.domains.claim(OPERATOR, acme!.id, 'offline.test');
});
afterAll(async () => {
  await gh?.close();
  await dns?.close();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  cli.cleanup();
});

describe('gatehouse domains', () => {
  it('lists an organization\'s claims with the TXT record each must publish', async () => {
    const r = await cli.run(['domains', 'list', '--org', 'acme', '--json']);
    expect(r.code).toBe(0);
    const data = r.json().data as Array<Record<string, any>>;
    expect(data.map((d) => [d.domain, d.status])).toEqual([['offline.test', 'pending'], ['acme.test', 'pending']]);
    expect(data[1].verification).toEqual({ type: 'TXT', name: '_gatehouse-challenge.acme.test', value: expect.stringMatching(/^gatehouse-domain-verification=[A-Za-z0-9_-]{32}$/) });
    expect((await cli.run(['domains', 'list', '--org', 'acme'])).stdout).toMatch(/^acme\.test {2}pending {2}TXT _gatehouse-challenge\.acme\.test "gatehouse-domain-verification=/m);
  });

  it('verify refuses while the TXT record is missing or wrong, naming where to publish what', async () => {
    const value = (await cli.run(['domains', 'list', '--org', 'acme', '--json'])).json().data[1].verification.value;
    const missing = await cli.run(['domains', 'verify', 'acme.test', '--org', 'acme'], { cwd: withDns });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: no TXT record at _gatehouse-challenge.acme.test. Publish a TXT record at _gatehouse-challenge.acme.test with the value ${value}, then try again.\n`);
    dns.setTxt('_gatehouse-challenge.acme.test', [['gatehouse-domain-verification=not-it']]);
    const wrong = await cli.run(['domains', 'verify', 'acme.test', '--org', 'acme'], { cwd: withDns });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/do not hold the expected value/);
    expect((await gh.store.emailDomains.findVerified('acme.test'))).toBeNull();
  });

  it('verify finds the record in DNS and verifies the claim, audited; again changes nothing', async () => {
    const value = (await cli.run(['domains', 'list', '--org', 'acme', '--json'])).json().data[1].verification.value;
    dns.setTxt('_gatehouse-challenge.acme.test', [['v=spf1 -all'], [value]]);
    const r = await cli.run(['domains', 'verify', 'ACME.test.', '--org', 'acme', '--json'], { cwd: withDns });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ domain: 'acme.test', status: 'verified', verified_by: 'dns', verified_at: expect.any(String) });
    expect((await cli.run(['domains', 'verify', 'acme.test', '--org', 'acme', '--json'], { cwd: withDns })).json()).toEqual(r.json());
    const acme = await gh.identity.organizations.resolve('acme');
    const audit = (await gh.audit.list(acme!.id, { limit: 10 })).items.filter((e) => e.action === 'domain.verified');
    expect(audit).toEqual([expect.objectContaining({ actor: { type: 'cli', id: null }, metadata: { domain: 'acme.test', method: 'dns' } })]);
  });

  it('never verifies a second organization\'s claim of a verified domain, by DNS or on the operator\'s word', async () => {
    for (const command of ['verify', 'approve']) {
      const r = await cli.run(['domains', command, 'acme.test', '--org', 'globex'], { cwd: withDns });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('error: This domain is verified for another organization.\n');
    }
    expect((await gh.store.emailDomains.findVerified('acme.test'))?.organizationId).toBe((await gh.identity.organizations.resolve('acme'))!.id);
  });

  it('says when DNS cannot be queried and points at approve, which verifies on the operator\'s word', async () => {
    const r = await cli.run(['domains', 'verify', 'offline.test', '--org', 'acme'], { cwd: withDeadDns });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: DNS could not be queried for _gatehouse-challenge\.offline\.test \(ETIMEOUT\)\. .*gatehouse domains approve/);
    const approved = await cli.run(['domains', 'approve', 'offline.test', '--org', 'acme', '--json']);
    expect(approved.code).toBe(0);
    expect(approved.json()).toMatchObject({ domain: 'offline.test', status: 'verified', verified_by: 'operator' });
  });

  it('names a claim that does not exist, and a malformed domain', async () => {
    const none = await cli.run(['domains', 'approve', 'nobody.test', '--org', 'acme']);
    expect([none.code, none.stderr]).toEqual([1, 'error: No such domain claim.\n']);
    const bad = await cli.run(['domains', 'approve', 'not a domain', '--org', 'acme']);
    expect([bad.code, bad.stderr]).toEqual([1, 'error: domain: must be a domain name such as example.com\n']);
  });
});

describe('gatehouse sso', () => {
  it('says when an organization has no identity provider, and refuses an update that changes nothing', async () => {
    const show = await cli.run(['sso', 'show', '--org', 'acme']);
    expect([show.code, show.stderr]).toEqual([1, 'error: No such SSO connection.\n']);
    const nothing = await cli.run(['sso', 'update', '--org', 'acme']);
    expect([nothing.code, nothing.stderr]).toEqual([2, 'error: nothing to change: give --required and/or --default-role\n']);
    const bad = await cli.run(['sso', 'update', '--org', 'acme', '--required', 'maybe']);
    expect([bad.code, bad.stderr]).toEqual([2, 'error: --required takes on or off\n']);
  });
});
