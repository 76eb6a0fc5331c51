import { slugFor } from '../../../src/accounts/signup.js';
import { slugProblem } from '../../../src/identity/validation.js';

describe('organization slugs from names', () => {
  it.each([
    ['Acme Rockets, Inc.', 'acme-rockets-inc'],
    ['Café Ørsted & Søn', 'cafe-rsted-s-n'],
    ['X', 'org-x'],
    ['日本', 'org'],
    ['A very long organization name that goes on and on', 'a-very-long-organization-name'],
  ])('%s → %s, a valid slug', (name, slug) => {
    expect(slugFor(name, 0)).toBe(slug);
    expect(slugProblem(slugFor(name, 0))).toBeNull();
  });

  it('adds a random suffix on later attempts, still valid', () => {
    const again = slugFor('Acme Rockets, Inc.', 1);
    expect(again).toMatch(/^acme-rockets-inc-[0-9a-f]{6}$/);
    expect(slugProblem(again)).toBeNull();
    expect(slugFor('Acme Rockets, Inc.', 2)).not.toBe(again);
  });
});
