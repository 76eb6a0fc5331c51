import { admitThreshold, counterExpiry, takeResult, windowPosition } from '../../../src/store/sliding-window.js';

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
