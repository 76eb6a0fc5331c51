import { admitThreshold, counterExpiry, rollForward, takeFrom, takeResult, windowPosition } from '../../../src/store/sliding-window.js';

describe('sliding-window arithmetic', () => {
  it('places a time in its fixed window and weights the previous one by the remaining overlap', () => {
    expect(windowPosition(10_250, 1000)).toEqual({ windowStart: 10_000, previousStart: 9000, previousWeight: 0.75, resetAt: 11_000 });
    expect(windowPosition(10_000, 1000).previousWeight).toBe(1);
    expect(windowPosition(10_999, 1000).previousWeight).toBeCloseTo(0.001);
  });

  it('admits while the estimate after the take stays within the limit', () => {
    // previous 8 weighted 0.75 = 6; limit 10, cost 1: admitted while current <= 3
    expect(admitThreshold(10, 1, 6)).toBe(3);
    expect(takeResult(true, 3, 1, 6, 11_000)).toEqual({ allowed: true, used: 10, resetAt: 11_000 });
    expect(takeResult(false, 4, 1, 6, 11_000)).toEqual({ allowed: false, used: 10, resetAt: 11_000 });
  });

  it('keeps a counter while it is the current or the previous window', () => {
    expect(counterExpiry(10_000, 1000)).toBe(12_000);
  });
});

describe('rolling a bucket forward', () => {
  const W = 1000;

  it('starts empty, keeps the current window, and shifts the current count to previous one window on', () => {
    expect(rollForward(null, 10_250, W)).toEqual({ counters: { windowStart: 10_000, current: 0, previous: 0 }, weight: 0.75, resetAt: 11_000 });
    const stored = { windowStart: 10_000, current: 7, previous: 3 };
    expect(rollForward(stored, 10_500, W)).toEqual({ counters: stored, weight: 0.5, resetAt: 11_000 });
    expect(rollForward(stored, 11_250, W)).toEqual({ counters: { windowStart: 11_000, current: 0, previous: 7 }, weight: 0.75, resetAt: 12_000 });
    expect(rollForward(stored, 12_250, W).counters).toEqual({ windowStart: 12_000, current: 0, previous: 0 });
  });

  it('never goes back: a clock behind the stored window counts there, the previous window at full weight', () => {
    const stored = { windowStart: 11_000, current: 2, previous: 8 };
    expect(rollForward(stored, 10_900, W)).toEqual({ counters: stored, weight: 1, resetAt: 12_000 });
    // 2 + 8 = 10 of 10: a late take is refused where an on-time one half through the window is admitted
    expect(takeFrom(stored, { now: 10_900, windowMs: W, limit: 10, cost: 1 }).allowed).toBe(false);
    expect(takeFrom(stored, { now: 11_500, windowMs: W, limit: 10, cost: 1 })).toEqual({
      allowed: true, counters: { windowStart: 11_000, current: 3, previous: 8 }, result: { allowed: true, used: 7, resetAt: 12_000 },
    });
  });
});
