import { randomBytes } from 'node:crypto';
import { fingerprintOf, Secrets } from '../../../src/domain/secrets.js';

const secretA = randomBytes(32).toString('base64url');
const secretB = randomBytes(32).toString('base64url');

describe('master secrets across a rotation', () => {
  it('records the current secret in each digest, and tries every configured secret, current first, to look one up', () => {
    const before = new Secrets(secretA);
    const stored = before.digest('recovery-codes', 'abcde12345');
    expect(fingerprintOf(stored)).toBe(before.current.fingerprint);
    const after = new Secrets(secretB, [secretA]);
    const candidates = after.digestCandidates('recovery-codes', 'abcde12345');
    expect(candidates[0]).toBe(after.digest('recovery-codes', 'abcde12345'));
    expect(candidates).toContain(stored);
    // a bare digest (stored before digests recorded their secret) is among them too
    expect(candidates).toContain(stored.slice(stored.indexOf('.') + 1));
    expect(new Secrets(secretB).digestCandidates('recovery-codes', 'abcde12345')).not.toContain(stored);
  });

  it('names each configured secret by a fingerprint that differs between secrets and reveals no key', () => {
    const both = new Secrets(secretB, [secretA]);
    expect(both.withFingerprint(new Secrets(secretA).current.fingerprint)).toBe(both.previous[0]);
    expect(both.withFingerprint(both.current.fingerprint)).toBe(both.current);
    expect(both.current.fingerprint).not.toBe(both.previous[0].fingerprint);
    expect(both.withFingerprint('unknown0')).toBeUndefined();
    expect(fingerprintOf('bareDigestWithoutDot')).toBeNull();
  });

  it('opens a value sealed under a previous secret, and says it is not current', () => {
    const sealed = new Secrets(secretA).seal('whsec', 'ctx');
    expect(new Secrets(secretB, [secretA]).open(sealed, 'ctx')).toEqual({ plaintext: 'whsec', current: false });
    expect(() => new Secrets(secretB).open(sealed, 'ctx')).toThrow(/does not open/);
  });
});
