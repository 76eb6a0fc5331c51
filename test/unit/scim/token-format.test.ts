import { randomBytes } from 'node:crypto';
import { Secrets } from '../../../src/domain/secrets.js';
import { digestScimToken, generateScimToken, SCIM_START_LENGTH, scimTokenDigest } from '../../../src/scim/tokens/format.js';

const secrets = new Secrets(randomBytes(32).toString('base64url'));
const other = new Secrets(randomBytes(32).toString('base64url'));

describe('SCIM token format', () => {
  it('mints scim_<base62> tokens that check, whose digest is what the store keeps', () => {
    const { token, start, digest } = generateScimToken(secrets);
    expect(token).toMatch(/^scim_[0-9A-Za-z]{60,70}$/);
    expect(start).toHaveLength(SCIM_START_LENGTH);
    expect(token.startsWith(`scim_${start}`)).toBe(true);
    expect(scimTokenDigest(secrets, token)).toBe(digest);
    expect(digest).toBe(digestScimToken(secrets, token));
    expect(digest).not.toContain(token.slice(5, 20));
  });

  it('never mints the same token twice', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateScimToken(secrets).token));
    expect(tokens.size).toBe(100);
  });

  it('refuses, without a digest to look up, a token of another deployment, a changed one, API keys and junk', () => {
    const { token } = generateScimToken(secrets);
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    for (const presented of [generateScimToken(other).token, flipped, `${token}x`, token.slice(0, -1), 'ak_live_abc', 'scim_', '', 'x'.repeat(5000), 42, null]) {
      expect(scimTokenDigest(secrets, presented)).toBeNull();
    }
  });
});
