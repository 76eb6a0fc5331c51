import { ipAllowed } from '../../../src/resource-server/ip-allowlist.js';

describe('IP allowlist matching', () => {
  it.each([
    ['10.1.2.3', ['10.0.0.0/8'], true],
    ['11.1.2.3', ['10.0.0.0/8'], false],
    ['192.0.2.7', ['192.0.2.7'], true],
    ['192.0.2.8', ['192.0.2.7/32'], false],
    ['::ffff:10.1.2.3', ['10.0.0.0/8'], true],
    ['2001:db8::1', ['2001:db8::/32'], true],
    ['2001:db9::1', ['2001:db8::/32'], false],
    ['::1', ['::1/128'], true],
    ['10.1.2.3', ['2001:db8::/32'], false],
    ['2001:db8::1', ['10.0.0.0/8', '2001:db8::/48'], true],
    ['anything', [], true],
    ['not-an-ip', ['10.0.0.0/8'], false],
    ['10.1.2.3', ['garbage'], false],
  ])('%s in %j → %s', (ip, cidrs, expected) => {
    expect(ipAllowed(ip, cidrs)).toBe(expected);
  });
});
