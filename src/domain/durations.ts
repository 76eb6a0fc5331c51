const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration as the API accepts it: `"90d"`, `"24h"`, `"30m"`, `"45s"`, a number of seconds,
 * or a string of digits. Returns seconds, or null when the input is not one of those forms.
 */
export function parseDuration(input: unknown): number | null {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input > 0 ? input : null;
  if (typeof input !== 'string') return null;
  const match = /^(\d{1,9})([smhd]?)$/.exec(input.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNITS[match[2] || 's'];
  return seconds > 0 ? seconds : null;
}

export const DURATION_FORM = 'a duration such as "90d", "24h", "30m", "45s" or a number of seconds';
