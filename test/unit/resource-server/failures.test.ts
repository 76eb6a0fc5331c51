import { FailureThrottle } from '../../../src/resource-server/core/failures.js';
import { UNAUTHORIZED } from '../../../src/resource-server/core/refusals.js';
import { LeasedRateLimiter } from '../../../src/resource-server/rate-limiter.js';
import { MemoryRateLimits } from '../../../src/resource-server/memory-rate-limits.js';

function counting() {
  const inner = new MemoryRateLimits();
  const calls: number[] = [];
  return { calls, store: { take: (input: Parameters<MemoryRateLimits['take']>[0]) => { calls.push(input.cost); return inner.take(input); }, reset: (b: string) => inner.reset(b) } };
}

describe('failed authentications per address', () => {
  it('counts the first tenth of the limit in memory, without a store call, then carries them all to the store', async () => {
    const { calls, store } = counting();
    const throttle = new FailureThrottle(new LeasedRateLimiter(store), { limit: 100, windowSeconds: 60 });
    expect(throttle.localAllowance).toBe(10);
    for (let i = 0; i < 10; i++) expect(throttle.fail('10.0.0.1', UNAUTHORIZED)).toBe(UNAUTHORIZED);
    expect(calls).toEqual([]);
    expect(await throttle.fail('10.0.0.1', UNAUTHORIZED)).toBe(UNAUTHORIZED);
    expect(calls.length).toBe(1);
    expect(calls[0]).toBeGreaterThanOrEqual(11);
  });

  it('refuses with 429 once the address is over its limit, and before verification from then on', async () => {
    const { store } = counting();
    const throttle = new FailureThrottle(new LeasedRateLimiter(store), { limit: 5, windowSeconds: 60 });
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await throttle.fail('10.0.0.2', UNAUTHORIZED)).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(throttle.blocked('10.0.0.2')?.status).toBe(429);
    expect(throttle.blocked('10.0.0.3')).toBeNull();
  });

  it('keeps addresses apart', async () => {
    const { store } = counting();
    const throttle = new FailureThrottle(new LeasedRateLimiter(store), { limit: 2, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) await throttle.fail('a', UNAUTHORIZED);
    expect((await throttle.fail('b', UNAUTHORIZED)).status).toBe(401);
  });
});
