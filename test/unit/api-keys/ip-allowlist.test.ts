import { normalizeCidr } from '../../../src/domain/api-keys/ip-allowlist.js';

describe('IP allowlists', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.0.7', '192.168.0.7/32'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['::1', '::1/128'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeCidr(input)).toEqual({ ok: true, cidr: expected });
  });

  it.each(['10.0.0.0/33', '300.1.1.1/8', 'example.com', '10/8', '', '2001:db8::/129', 'fe80::1%eth0/64'])(
    'rejects %p with a message naming the value', (input) => {
      const result = normalizeCidr(input);
      expect(result.ok).toBe(false);
    });
});
