import { BUILT_IN_ROLES, MANAGEMENT_PERMISSIONS, permissionsOfRoles } from '../../../src/domain/permissions.js';
import { composeVocabulary, outsideOf, withWildcards } from '../../../src/domain/vocabulary.js';

const PLATFORM = ['pipelines:read', 'pipelines:run', 'artifacts:read'];

describe('an organization\'s vocabulary', () => {
  it('is the management permissions, every platform permission and its own APIs\' permissions', () => {
    const v = composeVocabulary({ platform: PLATFORM, own: ['invoices:read'] });
    expect([...v.permissions].sort()).toEqual([...MANAGEMENT_PERMISSIONS, ...PLATFORM, 'invoices:read'].sort());
    expect(v.withheld).toEqual([]);
  });

  it('leaves out the platform permissions its plan does not list, a listed noun:* allowing every action of that noun', () => {
    const v = composeVocabulary({ platform: PLATFORM, own: ['invoices:read'], planAllows: ['pipelines:read', 'artifacts:*'] });
    expect(v.permissions).toEqual(expect.arrayContaining(['pipelines:read', 'artifacts:read', 'invoices:read']));
    expect(v.permissions).not.toContain('pipelines:run');
    expect(v.withheld).toEqual(['pipelines:run']);
  });

  it('an empty plan list withholds every platform permission, never the management ones nor its own', () => {
    const v = composeVocabulary({ platform: PLATFORM, own: ['invoices:read'], planAllows: [] });
    expect([...v.permissions].sort()).toEqual([...MANAGEMENT_PERMISSIONS, 'invoices:read'].sort());
  });
});

describe('what lies outside a vocabulary', () => {
  const full = composeVocabulary({ platform: PLATFORM, own: [] });
  const restricted = composeVocabulary({ platform: PLATFORM, own: [], planAllows: ['pipelines:read', 'artifacts:read'] });

  it('names unknown permissions and unknown nouns\' wildcards', () => {
    expect(outsideOf(full, ['pipelines:read', 'pipelines:delete', 'cars:*', 'users:*'])).toEqual(['pipelines:delete', 'cars:*']);
  });

  it('counts noun:* outside when the plan withholds an action of that noun (it would grant it)', () => {
    expect(outsideOf(full, ['pipelines:*'])).toEqual([]);
    expect(outsideOf(restricted, ['pipelines:*', 'pipelines:run', 'artifacts:*'])).toEqual(['pipelines:*', 'pipelines:run']);
  });

  it('lists each permission with its noun\'s wildcard, once', () => {
    expect(withWildcards(['a:read', 'a:write', 'b:run'])).toEqual(['a:read', 'a:write', 'b:run', 'a:*', 'b:*']);
  });
});

describe('built-in roles', () => {
  const vocabulary = [...MANAGEMENT_PERMISSIONS, 'pipelines:read', 'pipelines:run'];

  it('admin holds the whole vocabulary, member its :read permissions', () => {
    expect(BUILT_IN_ROLES.admin(vocabulary)).toEqual(vocabulary);
    expect(BUILT_IN_ROLES.member(vocabulary)).toEqual(vocabulary.filter((p) => p.endsWith(':read')));
    expect(BUILT_IN_ROLES.member(vocabulary)).toContain('pipelines:read');
  });

  it('unions built-in and custom roles over the vocabulary; unknown roles grant nothing', () => {
    const held = permissionsOfRoles(['member', 'ops', 'gone'], new Map([['ops', ['pipelines:run']]]), vocabulary);
    expect(held).toEqual(expect.arrayContaining(['pipelines:read', 'pipelines:run', 'users:read']));
    expect(held).not.toContain('users:write');
  });
});
