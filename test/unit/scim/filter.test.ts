import { GROUP_SCHEMA, USER_SCHEMA } from '../../../src/scim/protocol/attributes.js';
import { ScimError } from '../../../src/scim/protocol/errors.js';
import { matches } from '../../../src/scim/protocol/evaluate.js';
import { parseFilter } from '../../../src/scim/protocol/filter.js';
import { URN } from '../../../src/scim/protocol/urns.js';

const ada = {
  schemas: [URN.user], id: 'scu_1', externalId: 'Ada-ExT', userName: 'ada@example.com', displayName: 'Ada Lovelace',
  name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: 'ada@example.com', type: 'work', primary: true }], active: true,
  groups: [{ value: 'admin', display: 'admin' }], [URN.membership]: { status: 'member' },
  meta: { resourceType: 'User', created: '2026-01-02T03:04:05.000Z', lastModified: '2026-01-03T00:00:00.000Z' },
};
const user = (filter: string) => matches(USER_SCHEMA, parseFilter(USER_SCHEMA, filter), ada);
const refusal = (filter: string) => {
  try {
    parseFilter(USER_SCHEMA, filter);
  } catch (err) {
    return err as ScimError;
  }
  throw new Error(`"${filter}" parsed`);
};

describe('SCIM filters (RFC 7644 §3.4.2.2)', () => {
  it('matches the equality filters identity providers send, attribute names and userName without case', () => {
    expect(user('userName eq "ada@example.com"')).toBe(true);
    expect(user('UserName eq "ADA@example.com"')).toBe(true);
    expect(user('userName eq "grace@example.com"')).toBe(false);
    expect(user('externalId eq "Ada-ExT"')).toBe(true);
    // externalId and id are case-exact
    expect(user('externalId eq "ada-ext"')).toBe(false);
    expect(user('displayName eq "ada lovelace"')).toBe(true);
    expect(user(`${URN.user}:userName eq "ada@example.com"`)).toBe(true);
  });

  it('combines with and, or, not and parentheses, and binding tighter than or', () => {
    expect(user('userName eq "x@example.com" or externalId eq "Ada-ExT"')).toBe(true);
    expect(user('userName eq "ada@example.com" and externalId eq "other"')).toBe(false);
    expect(user('userName eq "x" or userName eq "ada@example.com" and active eq false')).toBe(false);
    expect(user('(userName eq "x" or userName eq "ada@example.com") and active eq true')).toBe(true);
    expect(user('not (active eq false)')).toBe(true);
  });

  it('compares strings, dates, booleans and presence', () => {
    expect(user('userName sw "ada@"')).toBe(true);
    expect(user('userName ew "@example.com"')).toBe(true);
    expect(user('name.familyName co "love"')).toBe(true);
    expect(user('userName ne "ada@example.com"')).toBe(false);
    expect(user('meta.lastModified gt "2026-01-02T00:00:00Z"')).toBe(true);
    expect(user('meta.created lt "2026-01-01T00:00:00Z"')).toBe(false);
    expect(matches(USER_SCHEMA, parseFilter(USER_SCHEMA, 'displayName pr'), { ...ada, displayName: '' })).toBe(false);
    expect(user('externalId pr')).toBe(true);
    expect(user('active eq true')).toBe(true);
  });

  it('filters the values of multi-valued attributes, also as Entra ID writes it (emails[type eq "work"].value eq …)', () => {
    expect(user('emails[type eq "work" and value co "@example.com"]')).toBe(true);
    expect(user('emails[type eq "home"]')).toBe(false);
    expect(user('emails.value eq "ADA@example.com"')).toBe(true);
    expect(user('emails[type eq "work"].value eq "ada@example.com"')).toBe(true);
    expect(user('emails[type eq "work"].value eq "grace@example.com"')).toBe(false);
    expect(user('groups eq "admin"')).toBe(true);
    expect(user(`${URN.membership}:status eq "member"`)).toBe(true);
  });

  it('filters Groups by displayName and members', () => {
    const group = { schemas: [URN.group], id: 'role_1', displayName: 'engineering', members: [{ value: 'scu_1' }, { value: 'usr_2' }] };
    const test = (f: string) => matches(GROUP_SCHEMA, parseFilter(GROUP_SCHEMA, f), group);
    expect(test('displayName eq "Engineering"')).toBe(true);
    expect(test('members.value eq "usr_2"')).toBe(true);
    expect(test('members[value eq "usr_3"]')).toBe(false);
  });

  it.each([
    ['an attribute Gatehouse does not keep', 'title eq "boss"'],
    ['an unknown operator', 'userName like "ada"'],
    ['a missing value', 'userName eq'],
    ['an unterminated string', 'userName eq "ada'],
    ['a dangling and', 'userName eq "a" and'],
    ['unbalanced parentheses', '(userName eq "a"'],
    ['a sub-attribute that does not exist', 'name.middle eq "x"'],
    ['a value filter on a single-valued attribute', 'userName[value eq "x"]'],
    ['trailing words', 'userName eq "a" "b"'],
    ['a stray character', 'userName eq "a" ; drop'],
  ])('refuses %s with 400 invalidFilter', (_what, filter) => {
    const err = refusal(filter);
    expect(err).toBeInstanceOf(ScimError);
    expect({ status: err.status, scimType: err.scimType }).toEqual({ status: 400, scimType: 'invalidFilter' });
  });

  it('refuses ordering comparisons of booleans (400 invalidFilter) when evaluated', () => {
    expect(() => user('active gt true')).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter' }));
  });
});
