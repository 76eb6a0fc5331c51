const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** The longest duration the API and the CLI accept anywhere (SPEC §4): 10 years of 365 days. */
export const MAX_DURATION_SECONDS = 3650 * 86_400;

/**
 * Parses a duration as the API accepts it: `"90d"`, `"24h"`, `"30m"`, `"45s"`, a number of seconds,
 * or a string of digits, from 1 second to {@link MAX_DURATION_SECONDS}. Returns seconds, or null
 * when the input is not one of those forms or lies outside the bounds (an unbounded duration once
 * became an Invalid Date, stored as "never expires").
 */
export function parseDuration(input: unknown): number | null {
  let seconds: number;
  if (typeof input === 'number') {
    seconds = input;
  } else if (typeof input === 'string') {
    const match = /^(\d{1,10})([smhd]?)$/.exec(input.trim());
    if (!match) return null;
    seconds = Number(match[1]) * UNITS[match[2] || 's'];
  } else {
    return null;
  }
  return Number.isSafeInteger(seconds) && seconds > 0 && seconds <= MAX_DURATION_SECONDS ? seconds : null;
}

/** Whether `seconds` is a whole number of seconds within the bounds (0 allowed when `allowZero`). */
export function isBoundedSeconds(seconds: unknown, allowZero = false): seconds is number {
  return typeof seconds === 'number' && Number.isSafeInteger(seconds)
    && seconds >= (allowZero ? 0 : 1) && seconds <= MAX_DURATION_SECONDS;
}

export const DURATION_FORM = 'a duration such as "90d", "24h", "30m", "45s" or a number of seconds, at most 10 years (3650d)';

/** `seconds` in the largest unit that divides it exactly (`7776000` → `"90d"`, `90` → `"90s"`): how the API shows durations. */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
