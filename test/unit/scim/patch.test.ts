import { GROUP_SCHEMA, USER_SCHEMA } from '../../../src/scim/protocol/attributes.js';
import { ScimError } from '../../../src/scim/protocol/errors.js';
import { applyPatch, patchOperations } from '../../../src/scim/protocol/patch.js';
import { URN } from '../../../src/scim/protocol/urns.js';

const user = () => ({
  schemas: [URN.user], id: 'scu_1', userName: 'ada@example.com', name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }], active: true, groups: [],
});
const group = () => ({ schemas: [URN.group], id: 'role_1', displayName: 'engineering', members: [{ value: 'u1' }, { value: 'u2' }] });
const ops = (...Operations: unknown[]) => patchOperations({ schemas: [URN.patchOp], Operations });
const patchUser = (...o: unknown[]) => applyPatch(USER_SCHEMA, user(), ops(...o));
const patchGroup = (...o: unknown[]) => applyPatch(GROUP_SCHEMA, group(), ops(...o));
const members = (doc: Record<string, unknown>) => (doc.members as Array<{ value: string }>).map((m) => m.value);

function scimErrorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('SCIM PATCH operations (RFC 7644 §3.5.2), as Okta and Entra ID send them', () => {
  it('replaces without a path (Okta deactivating a user) and leaves the original untouched', () => {
    const original = user();
    const next = applyPatch(USER_SCHEMA, original, ops({ op: 'replace', value: { active: false } }));
    expect(next.active).toBe(false);
    expect(original.active).toBe(true);
  });

  it('takes Entra ID\'s capitalised ops and string booleans as given (the service reads "False" as false)', () => {
    expect(patchUser({ op: 'Replace', path: 'active', value: 'False' }).active).toBe('False');
  });

  it('replaces sub-attributes by path, and keeps the others', () => {
    expect(patchUser({ op: 'Replace', path: 'name.familyName', value: 'Byron' }).name).toEqual({ givenName: 'Ada', familyName: 'Byron' });
    expect(patchUser({ op: 'replace', path: 'name', value: { formatted: 'Ada L.' } }).name)
      .toEqual({ givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada L.' });
  });

  it('reads path-less values whose keys are paths, as Entra ID sends them', () => {
    const next = patchUser({
      op: 'replace', value: {
        displayName: 'Pvlo', 'emails[type eq "work"].value': 'new@example.com', 'name.givenName': 'Gtfd', externalId: 'Eqpj',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Eqpj',
      },
    });
    expect(next).toMatchObject({ displayName: 'Pvlo', externalId: 'Eqpj', name: { givenName: 'Gtfd' }, emails: [{ value: 'new@example.com', type: 'work' }] });
    expect(JSON.stringify(next)).not.toContain('employeeNumber');
  });

  it('addresses values through a filter, and adds the value a filter describes when none matches', () => {
    expect(patchUser({ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@example.com' }).emails)
      .toEqual([{ value: 'x@example.com', type: 'work', primary: true }]);
    expect(patchUser({ op: 'add', path: 'emails[type eq "home"].value', value: 'h@example.com' }).emails)
      .toEqual([{ value: 'ada@example.com', type: 'work', primary: true }, { type: 'home', value: 'h@example.com' }]);
    expect(patchUser({ op: 'remove', path: 'emails[type eq "work"]' }).emails).toEqual([]);
  });

  it('drops operations on attributes Gatehouse does not keep', () => {
    expect(patchUser({ op: 'replace', path: 'title', value: 'Boss' }, { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '1' }))
      .toEqual(user());
  });

  it('adds, removes and replaces Group members in every shape', () => {
    expect(members(patchGroup({ op: 'add', path: 'members', value: [{ $ref: null, value: 'u3' }, { value: 'u1' }] }))).toEqual(['u1', 'u2', 'u3']);
    expect(members(patchGroup({ op: 'Add', path: 'members', value: { value: 'u4' } }))).toEqual(['u1', 'u2', 'u4']);
    expect(members(patchGroup({ op: 'remove', path: 'members[value eq "u1"]' }))).toEqual(['u2']);
    // Entra ID before its SCIM fixes: a remove with the members as value
    expect(members(patchGroup({ op: 'Remove', path: 'members', value: [{ value: 'u2' }] }))).toEqual(['u1']);
    expect(members(patchGroup({ op: 'replace', path: 'members', value: [{ value: 'u9' }] }))).toEqual(['u9']);
    expect(patchGroup({ op: 'remove', path: 'members' }).members).toBeUndefined();
    expect(members(patchGroup({ op: 'replace', value: { id: 'role_1', displayName: 'engineering', members: [{ value: 'u5' }] } }))).toEqual(['u5']);
  });

  it.each([
    ['no Operations', { schemas: [URN.patchOp] }, 'invalidSyntax'],
    ['an empty Operations list', { schemas: [URN.patchOp], Operations: [] }, 'invalidSyntax'],
    ['an unknown op', { Operations: [{ op: 'move', path: 'active' }] }, 'invalidSyntax'],
    ['the wrong message schema', { schemas: [URN.user], Operations: [{ op: 'add', path: 'active', value: true }] }, 'invalidSyntax'],
  ])('refuses a body with %s', (_what, body, scimType) => {
    expect(scimErrorOf(() => patchOperations(body as Record<string, unknown>)).scimType).toBe(scimType);
  });

  it.each([
    ['a remove without path', { op: 'remove' }, 'noTarget'],
    ['a replace of a value no filter matches, that the filter does not describe', { op: 'replace', path: 'emails[value co "zzz"].type', value: 'w' }, 'noTarget'],
    ['a malformed path', { op: 'replace', path: 'emails[type eq "work"', value: 'x' }, 'invalidPath'],
    ['a sub-attribute of a multi-valued attribute without a filter', { op: 'replace', path: 'emails.value', value: 'x' }, 'invalidPath'],
    ['a path-less add whose value is not an object', { op: 'add', value: 'x' }, 'invalidValue'],
  ])('refuses %s', (_what, operation, scimType) => {
    expect(scimErrorOf(() => patchUser(operation)).scimType).toBe(scimType);
  });
});
