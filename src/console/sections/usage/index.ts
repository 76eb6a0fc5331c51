import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { stackedChart, type ChartColumn } from '../../ui/bar-chart.js';
import { fieldProblems, problemAlert, select } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { ApiKeyJson } from '../api-keys/model.js';
import { quotaMeter, type QuotaJson } from '../quota.js';
import type { OrgPage, Section } from '../section.js';
import { apiFailure, type Listing } from '../shared.js';
import { presets, rangeOf, usageQuery, type UsageRange } from './range.js';

interface UsagePoint { start: string; requests: { ok: number; denied: number; rate_limited: number }; units: number }

const OUTCOMES = [
  { name: 'OK', className: 'ok' }, { name: 'Denied', className: 'denied' }, { name: 'Rate limited', className: 'limited' },
];

/** Columns for a series: hours labelled `HH:00` (the date at midnight), days `MM-DD`; the full UTC time in the table. */
function columnsOf(points: UsagePoint[], range: UsageRange, values: (p: UsagePoint) => number[]): ChartColumn[] {
  return points.map((p) => {
    const day = p.start.slice(0, 10);
    const hour = p.start.slice(11, 16);
    return range.granularity === 'hour'
      ? { label: hour === '00:00' ? day.slice(5) : hour, full: `${day} ${hour} UTC`, values: values(p) }
      : { label: day.slice(5), full: day, values: values(p) };
  });
}

/** The range picker and key selector: a plain GET form, and links to ready-made ranges. */
function picker(page: OrgPage, range: UsageRange, keys: ApiKeyJson[] | null, problem: Problem | null): Raw {
  const errors = fieldProblems(problem);
  const keyChoices: Array<[string, string]> = [['', `All of ${page.org.name}`], ...(keys ?? []).map((k): [string, string] => [k.id, `${k.name} (${k.status})`])];
  if (range.keyId && !keyChoices.some(([id]) => id === range.keyId)) keyChoices.push([range.keyId, range.keyId]);
  const dateField = (name: 'from' | 'to', label: string) => html`<div class="field"><label for="usage-${name}">${label}</label>
<input id="usage-${name}" name="${name}" type="date" value="${range[name]}"${errors.has(name) ? html` aria-invalid="true" aria-describedby="usage-${name}-error"` : ''}>
${errors.has(name) ? html`<p class="error" id="usage-${name}-error">${errors.get(name)}</p>` : ''}</div>`;
  return html`<form method="get" action="${page.base}/usage" class="inline-form usage-picker" aria-label="Usage range">
${select({ id: 'usage-granularity', name: 'granularity', label: 'Group by', value: range.granularity, options: [['day', 'Day'], ['hour', 'Hour']], error: errors.get('granularity') })}
${dateField('from', 'From (UTC)')}${dateField('to', 'To (UTC, inclusive)')}
${keys ? select({ id: 'usage-key', name: 'key_id', label: 'API key', value: range.keyId, options: keyChoices, error: errors.get('key_id') }) : ''}
<button type="submit" class="button">Show</button></form>
<nav aria-label="Ready-made ranges"><ul class="plain presets">${presets(Date.now(), range.keyId).map((p) => html`<li><a href="${page.base}/usage?${p.query}">${p.label}</a></li>`)}</ul></nav>`;
}

function charts(points: UsagePoint[], range: UsageRange, whose: string): Raw {
  const per = range.granularity === 'hour' ? 'hour' : 'day';
  const sum = (f: (p: UsagePoint) => number) => points.reduce((s, p) => s + f(p), 0);
  return html`<dl class="facts totals">
<dt>Requests</dt><dd>${sum((p) => p.requests.ok + p.requests.denied + p.requests.rate_limited)}</dd>
<dt>OK</dt><dd>${sum((p) => p.requests.ok)}</dd><dt>Denied</dt><dd>${sum((p) => p.requests.denied)}</dd>
<dt>Rate limited</dt><dd>${sum((p) => p.requests.rate_limited)}</dd><dt>Units</dt><dd>${sum((p) => p.units)}</dd></dl>
<section aria-labelledby="requests-title"><h3 id="requests-title">Requests per ${per}, by outcome</h3>
${stackedChart({ title: `Requests per ${per} by outcome, ${whose}`, columnHeading: range.granularity === 'hour' ? 'Hour' : 'Day', series: OUTCOMES,
    columns: columnsOf(points, range, (p) => [p.requests.ok, p.requests.denied, p.requests.rate_limited]) })}</section>
<section aria-labelledby="units-title"><h3 id="units-title">Units per ${per}</h3>
${stackedChart({ title: `Units per ${per}, ${whose}`, columnHeading: range.granularity === 'hour' ? 'Hour' : 'Day', series: [{ name: 'Units', className: 'units' }],
    columns: columnsOf(points, range, (p) => [p.units]) })}</section>`;
}

/**
 * `GET …/usage` for the picked range (and key), drawn as two charts, with the organization's
 * quota from its object. The API's refusal of the range (400) is shown at the picker.
 */
async function showUsage(page: OrgPage): Promise<Outcome> {
  const range = rangeOf(page.query);
  const canKeys = page.can('api_keys:read');
  const [org, usage, keys] = await Promise.all([
    page.api.get<{ plan: string; quota?: QuotaJson }>(''),
    page.api.get<{ data: UsagePoint[] }>(`/usage?${usageQuery(range)}`),
    canKeys ? page.api.get<Listing<ApiKeyJson>>('/api-keys?limit=100') : null,
  ]);
  if (org.status !== 200) return apiFailure('Usage', problemOf(org));
  const problem = usage.status === 200 ? null : problemOf(usage);
  if (problem && problem.status !== 400 && problem.status !== 404 && problem.status !== 403) return apiFailure('Usage', problem);
  const keyList = keys?.status === 200 ? keys.body.data : null;
  const key = range.keyId ? keyList?.find((k) => k.id === range.keyId) : null;
  const whose = range.keyId ? `key ${key?.name ?? range.keyId}` : page.org.name;
  return pageOf('Usage', html`<div class="page-head"><div><h1 id="page-title">Usage</h1>
<p class="lead">Requests by outcome and metered units, for ${page.org.name} or one of its keys. Times are UTC.</p></div></div>
<section class="panel" aria-labelledby="quota-title"><h2 id="quota-title">This month's quota</h2>${quotaMeter(org.body.plan, org.body.quota)}</section>
<section class="panel" aria-labelledby="usage-title"><h2 id="usage-title">Usage of ${whose}</h2>
${picker(page, range, keyList, problem)}
${problem ? problemAlert(problem) : charts(usage.body.data, range, whose)}
</section>`, problem ? problem.status : 200);
}

/** Usage: requests by outcome and units over time, per organization or key, against the month's quota. */
export const usageSection: Section = {
  path: 'usage', title: 'Usage', permission: 'organizations:read',
  routes: [{ method: 'GET', path: '', handle: showUsage }],
};
