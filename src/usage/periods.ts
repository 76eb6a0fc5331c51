/** UTC hours and months: the periods usage is counted in. Pure. */

export const HOUR_MS = 3_600_000;

/** The start (ms) of the UTC hour holding `ms`. */
export const hourStart = (ms: number): number => ms - (ms % HOUR_MS);

/** The UTC month holding `ms`, as YYYY-MM. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The start (ms) of the UTC month after the one holding `ms`: when a monthly quota resets. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The start (ms) of the UTC month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Adds the increments' units per organization and month (YYYY-MM), the units a flush moves. */
export function unitsByMonth(increments: ReadonlyArray<{ organizationId: string; hour: Date; units: number }>): Map<string, { organizationId: string; month: string; units: number }> {
  const months = new Map<string, { organizationId: string; month: string; units: number }>();
  for (const i of increments) {
    if (i.units <= 0) continue;
    const month = monthOf(i.hour.getTime());
    const id = `${i.organizationId}/${month}`;
    const entry = months.get(id);
    if (entry) entry.units += i.units;
    else months.set(id, { organizationId: i.organizationId, month, units: i.units });
  }
  return months;
}
