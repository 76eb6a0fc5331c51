import { expiryOfNewKey, expiryOfSuccessor } from '../../../src/api-keys/lifetime.js';
import type { HttpProblem } from '../../../src/http/problem.js';

const now = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400;
const inDays = (days: number) => new Date(now.getTime() + days * DAY * 1000);
const limited = { maxKeyLifetimeSeconds: 90 * DAY };
const unlimited = { maxKeyLifetimeSeconds: null };

describe("an organization's max_key_lifetime", () => {
  it('gives a new key without expires_in the longest lifetime allowed, and leaves it unlimited without a limit', () => {
    expect(expiryOfNewKey(limited, undefined, now)).toEqual(inDays(90));
    expect(expiryOfNewKey(limited, null, now)).toEqual(inDays(90));
    expect(expiryOfNewKey(unlimited, null, now)).toBeNull();
    expect(expiryOfNewKey(null, 30 * DAY, now)).toEqual(inDays(30));
  });

  it('keeps a shorter expires_in and refuses a longer one with a 400 on expires_in naming the limit', () => {
    expect(expiryOfNewKey(limited, 30 * DAY, now)).toEqual(inDays(30));
    expect(expiryOfNewKey(limited, 90 * DAY, now)).toEqual(inDays(90));
    let problem: HttpProblem | undefined;
    try {
      expiryOfNewKey(limited, 91 * DAY, now);
    } catch (err) {
      problem = err as HttpProblem;
    }
    expect(problem?.status).toBe(400);
    expect(JSON.stringify(problem?.extra)).toContain('expires_in');
    expect(JSON.stringify(problem?.extra)).toContain('90d');
  });

  it("shortens a rotation's successor to the limit from now, never lengthens it", () => {
    expect(expiryOfSuccessor(limited, null, now)).toEqual(inDays(90));
    expect(expiryOfSuccessor(limited, inDays(400), now)).toEqual(inDays(90));
    expect(expiryOfSuccessor(limited, inDays(10), now)).toEqual(inDays(10));
    expect(expiryOfSuccessor(unlimited, null, now)).toBeNull();
    expect(expiryOfSuccessor(null, inDays(400), now)).toEqual(inDays(400));
  });
});
