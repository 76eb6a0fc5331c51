import { nextAttemptAt, JITTER } from '../../../src/webhooks/backoff.js';

const retry = { firstDelaySeconds: 30, maxDelaySeconds: 4 * 3600, giveUpAfterHours: 24 };
const created = new Date('2030-01-01T00:00:00Z');
const after = (ms: number) => new Date(created.getTime() + ms);
const S = 1000;
const H = 3_600_000;

describe('the retry schedule', () => {
  it('doubles from 30 s up to 4 h (no jitter at random = 0.5)', () => {
    const waits = [1, 2, 3, 4, 8, 9, 10, 11, 20].map((n) => nextAttemptAt(retry, n, created, created, () => 0.5)!.getTime() - created.getTime());
    expect(waits).toEqual([30 * S, 60 * S, 120 * S, 240 * S, 3840 * S, 7680 * S, 4 * H, 4 * H, 4 * H]);
  });

  it('spreads each wait by at most ±20 %', () => {
    expect(JITTER).toBe(0.2);
    expect(nextAttemptAt(retry, 1, created, created, () => 0)!.getTime() - created.getTime()).toBe(24 * S);
    expect(nextAttemptAt(retry, 1, created, created, () => 0.999999)!.getTime() - created.getTime()).toBe(36 * S);
  });

  it('keeps retrying until an attempt fails 24 h or more after the delivery was made, then gives up', () => {
    expect(nextAttemptAt(retry, 14, created, after(24 * H - 1))).not.toBeNull();
    expect(nextAttemptAt(retry, 14, created, after(24 * H))).toBeNull();
  });

  it('the defaults make about 14 attempts over the first 24 hours', () => {
    let at = created;
    let attempts = 1;
    for (let next = nextAttemptAt(retry, 1, created, at, () => 0.5); next; next = nextAttemptAt(retry, attempts, created, at, () => 0.5)) {
      at = next;
      attempts++;
    }
    expect(at.getTime() - created.getTime()).toBeGreaterThanOrEqual(24 * H);
    expect(attempts).toBeGreaterThanOrEqual(12);
    expect(attempts).toBeLessThanOrEqual(16);
  });
});
