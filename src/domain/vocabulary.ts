import { grants, MANAGEMENT_PERMISSIONS, nounOf } from './permissions.js';

/**
 * What an organization may grant (SPEC §2a): the management permissions, the platform
 * resources' permissions its plan allows, and its own resources'. `withheld` are the platform
 * permissions its plan does not allow. Pure: the services gather the inputs.
 */
export interface Vocabulary {
  permissions: readonly string[];
  withheld: readonly string[];
}

export interface VocabularyInput {
  /** every permission of every platform resource */
  platform: readonly string[];
  /** the organization's own resources' permissions (none for the server scope) */
  own: readonly string[];
  /** the plan's `platformPermissions`; undefined: every platform permission */
  planAllows?: readonly string[];
}

/** Composes a vocabulary; the server scope is `{ platform, own: [] }` with no plan. */
export function composeVocabulary({ platform, own, planAllows }: VocabularyInput): Vocabulary {
  const allowed = planAllows ? platform.filter((p) => grants(planAllows, p)) : platform;
  const withheld = planAllows ? platform.filter((p) => !grants(planAllows, p)) : [];
  return { permissions: [...new Set([...MANAGEMENT_PERMISSIONS, ...allowed, ...own])], withheld: [...new Set(withheld)] };
}

/**
 * The permissions of `wanted` outside the vocabulary. `noun:*` is inside when the vocabulary
 * has an action of that noun and the plan withholds none of its actions (else the wildcard
 * would grant what the plan withholds).
 */
export function outsideOf(vocabulary: Vocabulary, wanted: readonly string[]): string[] {
  const known = new Set(vocabulary.permissions);
  const nouns = new Set(vocabulary.permissions.map(nounOf));
  const withheldNouns = new Set(vocabulary.withheld.map(nounOf));
  return wanted.filter((p) => {
    if (known.has(p)) return false;
    const noun = nounOf(p);
    return !(p === `${noun}:*` && nouns.has(noun) && !withheldNouns.has(noun));
  });
}

/** Each permission and the `noun:*` wildcard of each of their nouns: what a change to them may leave stale. */
export function withWildcards(permissions: readonly string[]): string[] {
  return [...new Set([...permissions, ...permissions.map((p) => `${nounOf(p)}:*`)])];
}
