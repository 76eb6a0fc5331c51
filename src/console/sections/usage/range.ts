/** What the usage page's GET form asks for, as the person typed it (shown back in the form). */
export interface UsageRange {
  granularity: 'hour' | 'day';
  /** first UTC day shown (YYYY-MM-DD), or '' for the API's default */
  from: string;
  /** last UTC day shown, inclusive, or '' for the API's default */
  to: string;
  /** one key's usage, or '' for the organization's */
  keyId: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The page's query as a range; anything but `hour` is `day` (the API's default). */
export function rangeOf(query: Record<string, string | undefined>): UsageRange {
  const text = (name: string) => (typeof query[name] === 'string' ? query[name]!.trim().slice(0, 40) : '');
  return { granularity: query.granularity === 'hour' ? 'hour' : 'day', from: text('from'), to: text('to'), keyId: text('key_id') };
}

/** The day after a YYYY-MM-DD day (the API's `to` is exclusive, the form's inclusive); other text as it is, for the API to refuse. */
function dayAfter(day: string): string {
  if (!DAY.test(day)) return day;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) ? new Date(ms + 86_400_000).toISOString().slice(0, 10) : day;
}

/** The `GET …/usage` query for a range. */
export function usageQuery(range: UsageRange): string {
  const params = new URLSearchParams({ granularity: range.granularity });
  if (range.from) params.set('from', range.from);
  if (range.to) params.set('to', dayAfter(range.to));
  if (range.keyId) params.set('key_id', range.keyId);
  return params.toString();
}

/** Ready-made ranges: a label and the page's query for it (the last `days` UTC days up to today). */
export function presets(now: number, keyId: string): Array<{ label: string; query: string }> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const last = (days: number, granularity: 'hour' | 'day') => {
    const params = new URLSearchParams({ granularity, from: day(now - (days - 1) * 86_400_000), to: day(now) });
    if (keyId) params.set('key_id', keyId);
    return params.toString();
  };
  return [
    { label: 'Today, by hour', query: last(1, 'hour') },
    { label: 'Last 7 days, by hour', query: last(7, 'hour') },
    { label: 'Last 30 days', query: last(30, 'day') },
    { label: 'Last 90 days', query: last(90, 'day') },
  ];
}
