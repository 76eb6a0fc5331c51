import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../src/config/load.js';

const secret = randomBytes(32).toString('base64url');
const load = (NODE_ENV: string, overrides: Record<string, unknown> = {}) =>
  loadConfig({ env: { NODE_ENV, GATEHOUSE_SECRET: secret }, overrides });

describe('sso.* settings', () => {
  it('allow identity providers on private networks in development only, and use the system resolver by default', () => {
    expect(load('development').sso.allowPrivateNetworks).toBe(true);
    expect(load('production', { databaseUrl: 'sqlite:./data/x.db' }).sso).toEqual({
      allowPrivateNetworks: false, timeoutMs: 10_000, metadataCacheSeconds: 600, dnsServers: [], dnsTimeoutMs: 5000,
    });
  });

  it('take DNS servers as addresses with an optional port', () => {
    expect(load('test', { sso: { dnsServers: ['192.0.2.53', '127.0.0.1:5353', '[2001:db8::53]:53', '2001:db8::1'] } }).sso.dnsServers).toHaveLength(4);
  });

  it('refuse a DNS server that is not an address, one line per bad entry naming it and the expected form', () => {
    let problems: string[] = [];
    try {
      load('test', { sso: { dnsServers: ['ns1.example.com', '127.0.0.1:99999'] } });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      'sso.dnsServers.0: must be an IP address, optionally with a port: "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:53"',
      'sso.dnsServers.1: must be an IP address, optionally with a port: "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:53"',
    ]);
  });
});
