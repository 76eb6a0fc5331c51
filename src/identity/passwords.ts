import argon2 from 'argon2';
import { problems } from '../http/problem.js';

/** argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): ~30 ms a hash on one core. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * A hash of a random, forgotten password with the same parameters: verified against when the
 * account does not exist, so a login for an unknown email costs what a real one costs.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,p=1,t=2$ZIUBeowmKXBU/3cm2jXfJg$1Z6iOPFgirbPtXiAEXzgp2DQQeqTyEPN2eLvM4EvgsU';

/** NIST SP 800-63B: at least 8 characters, allow long passphrases, no composition rules. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** Unicode passwords compare equal however the keyboard composed them (800-63B §5.1.1.2). */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** The policy's complaint about a password, or null when it is acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const length = [...normalize(password)].length;
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  return null;
}

/** Password hashing (argon2id, PHC strings) and the password policy. */
export interface Passwords {
  /** @throws HttpProblem 400 when the password breaks the policy */
  hash(password: string): Promise<string>;
  /** false for a wrong password and for a hash that is not a valid PHC string */
  verify(hash: string, password: string): Promise<boolean>;
  /** whether a stored hash was made with weaker parameters than today's */
  needsRehash(hash: string): boolean;
}

/** The password service `identity.passwords`. */
export function createPasswords(): Passwords {
  return {
    async hash(password) {
      const problem = passwordProblem(password);
      if (problem) throw problems.validation([{ field: 'password', message: problem }]);
      return argon2.hash(normalize(password), ARGON2_OPTIONS);
    },
    async verify(hash, password) {
      if (typeof password !== 'string' || password.length > PASSWORD_MAX * 4) return false;
      try {
        return await argon2.verify(hash, normalize(password));
      } catch {
        return false;
      }
    },
    needsRehash(hash) {
      try {
        return argon2.needsRehash(hash, ARGON2_OPTIONS);
      } catch {
        return true;
      }
    },
  };
}
