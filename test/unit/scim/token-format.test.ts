import { randomBytes } from 'node:crypto';
import { Secrets } from '../../../src/domain/secrets.js';
import { digestScimToken, generateScimToken, SCIM_START_LENGTH, scimTokenDigests } from '../../../src/scim/tokens/format.js';

const secrets = new Secrets(randomBytes(32).toString('base64url'));
const otherSecret = randomBytes(32).toString('base64url');
const other = new Secrets(otherSecret);

describe('SCIM token format', () => {
  it('mints scim_<base62> tokens that check, whose digest is what the store keeps', () => {
    const { token, start, digest } = generateScimToken(secrets);
    expect(token).toMatch(/^scim_[0-9A-Za-z]{60,70}$/);
    expect(start).toHaveLength(SCIM_START_LENGTH);
    expect(token.startsWith(`scim_${start}`)).toBe(true);
    expect(scimTokenDigests(secrets, token)?.[0]).toBe(digest);
    expect(digest).toBe(digestScimToken(secrets, token));
    expect(digest).not.toContain(token.slice(5, 20));
  });

  it('checks a token minted under a previous secret with that secret, its recorded digest first', () => {
    const { token, digest } = generateScimToken(other);
    const rotated = new Secrets(randomBytes(32).toString('base64url'), [randomBytes(32).toString('base64url'), otherSecret]);
    const digests = scimTokenDigests(rotated, token);
    expect(digests?.[0]).toBe(digest);
    expect(digests?.[0].startsWith(`${other.current.fingerprint}.`)).toBe(true);
    expect(digests?.[1]).toBe(digest.slice(digest.indexOf('.') + 1));
  });

  it('never mints the same token twice', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateScimToken(secrets).token));
    expect(tokens.size).toBe(100);
  });

  it('refuses, without a digest to look up, a token of another deployment, a changed one, API keys and junk', () => {
    const { token } = generateScimToken(secrets);
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    for (const presented of [generateScimToken(other).token, flipped, `${token}x`, token.slice(0, -1), 'ak_live_abc', 'scim_', '', 'x'.repeat(5000), 42, null]) {
      expect(scimTokenDigests(secrets, presented)).toBeNull();
    }
  });
});
