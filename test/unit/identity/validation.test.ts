import {
  Checks, displayNameProblem, emailProblem, identifierProblem, normalizeEmail, permissionListProblems, roleNameProblem, slugProblem, unique,
} from '../../../src/identity/validation.js';
import { HttpProblem } from '../../../src/http/problem.js';

describe('organization slugs', () => {
  it.each(['acme', 'a1b', 'acme-corp', 'x'.repeat(40), '123'])('accepts %s', (slug) => {
    expect(slugProblem(slug)).toBeNull();
  });
  it.each(['ab', 'Acme', '-acme', 'acme-', 'acme_corp', 'x'.repeat(41), 'ac me', '', 42])('refuses %s', (slug) => {
    expect(slugProblem(slug)).toMatch(/3 to 40/);
  });
});

describe('emails', () => {
  it('normalises to trimmed lower case', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });
  it.each(['ada@example.com', 'a+tag@sub.example.co.uk', "o'brien@example.ie"])('accepts %s', (email) => {
    expect(emailProblem(email)).toBeNull();
  });
  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'ada@@example.com', 'a da@example.com', `${'a'.repeat(65)}@example.com`, 'ada@-example.com', null])(
    'refuses %s', (email) => {
      expect(emailProblem(email)).toMatch(/email address/);
    });
});

describe('display names', () => {
  it('accepts ordinary names and refuses empty, huge or control characters', () => {
    expect(displayNameProblem('Ada Lovelace')).toBeNull();
    expect(displayNameProblem('   ')).toMatch(/1 to 200/);
    expect(displayNameProblem('x'.repeat(201))).toMatch(/1 to 200/);
    expect(displayNameProblem('a\u0000b')).toMatch(/control/);
    expect(displayNameProblem(7)).toMatch(/string/);
  });
});

describe('role names', () => {
  it('accepts custom names', () => {
    expect(roleNameProblem('billing-admin')).toBeNull();
    expect(roleNameProblem('support.tier_1')).toBeNull();
  });
  it('refuses the built-in roles and Object.prototype members', () => {
    expect(roleNameProblem('admin')).toMatch(/built-in/);
    expect(roleNameProblem('member')).toMatch(/built-in/);
    expect(roleNameProblem('constructor')).toMatch(/reserved/);
  });
  it('refuses malformed names', () => {
    for (const bad of ['', 'Admin', '-x', 'a b', 'x'.repeat(65)]) expect(roleNameProblem(bad)).toMatch(/lower-case/);
  });
});

describe('resource identifiers', () => {
  it.each(['https://api.example.com', 'https://api.example.com/v2', 'urn:example:invoices', 'http://localhost:4000'])('accepts %s', (id) => {
    expect(identifierProblem(id)).toBeNull();
  });
  it.each(['api.example.com', '/relative', 'https://api.example.com/#frag', 'https://', 'https://a b.com', '', 'x'.repeat(2049)])('refuses %s', (id) => {
    expect(identifierProblem(id)).toMatch(/absolute URI/);
  });
});

describe('permission lists', () => {
  it('accepts resource:action strings', () => {
    expect(permissionListProblems('permissions', ['invoices:read', 'invoices:*'])).toEqual([]);
  });
  it('names each bad entry by index', () => {
    expect(permissionListProblems('permissions', ['invoices:read', 'Invoices:read', 'nocolon'])).toEqual([
      { field: 'permissions[1]', message: expect.stringContaining('"Invoices:read"') },
      { field: 'permissions[2]', message: expect.stringContaining('"nocolon"') },
    ]);
  });
  it('refuses a non-list and an oversized list', () => {
    expect(permissionListProblems('p', 'invoices:read')[0].message).toMatch(/list/);
    expect(permissionListProblems('p', Array.from({ length: 201 }, (_, i) => `r:a${i}`))[0].message).toMatch(/at most 200/);
  });
  it('dedupes keeping first-seen order', () => {
    expect(unique(['b:x', 'a:x', 'b:x'])).toEqual(['b:x', 'a:x']);
  });
});

describe('Checks', () => {
  it('throws one 400 naming every failed field', () => {
    let caught: unknown;
    try {
      new Checks().add('slug', 'bad slug').add('name', null).add('plan', 'bad plan').done();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HttpProblem);
    const problem = caught as HttpProblem;
    expect(problem.status).toBe(400);
    expect(problem.body().errors).toEqual([{ field: 'slug', message: 'bad slug' }, { field: 'plan', message: 'bad plan' }]);
  });
  it('passes when nothing failed', () => {
    expect(() => new Checks().add('x', null).done()).not.toThrow();
  });
});
