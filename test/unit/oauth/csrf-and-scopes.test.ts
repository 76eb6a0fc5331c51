import { randomBytes } from 'node:crypto';
import { CsrfTokens } from '../../../src/oauth/interactions/form.js';
import { intersect } from '../../../src/oauth/resources.js';

describe('CsrfTokens', () => {
  const tokens = new CsrfTokens(randomBytes(32));

  it('accepts the token of the same interaction only', () => {
    const t = tokens.issue('uid-1');
    expect(tokens.check('uid-1', t)).toBe(true);
    expect(tokens.check('uid-2', t)).toBe(false);
    expect(tokens.check('uid-1', undefined)).toBe(false);
    expect(tokens.check('uid-1', t.slice(1))).toBe(false);
    expect(tokens.check('uid-1', 'x'.repeat(500))).toBe(false);
  });

  it('depends on the key', () => {
    expect(new CsrfTokens(randomBytes(32)).issue('u')).not.toBe(tokens.issue('u'));
  });
});

describe('intersect (scope narrowing)', () => {
  it('keeps the vocabulary entries that the holder grants, honouring noun:*', () => {
    expect(intersect(['a:read', 'a:write', 'b:read'], ['a:read', 'c:read'])).toEqual(['a:read']);
    expect(intersect(['a:read', 'a:write', 'b:read'], ['a:*'])).toEqual(['a:read', 'a:write']);
    expect(intersect(['a:read'], [])).toEqual([]);
  });
});
