import { html, type Raw } from '../../oauth/interactions/html.js';
import { when } from '../ui/format.js';

/** The organization object's `quota` (SPEC §9): this UTC month's metered units. */
export interface QuotaJson {
  units: number | 'unlimited';
  used: number;
  period_start: string;
  resets_at: string;
}

const number = new Intl.NumberFormat('en-GB');

/**
 * The month's units against the plan's quota: a labelled `<meter>` (its numbers also in words)
 * and when it resets; for an unlimited plan, the units used.
 */
export function quotaMeter(plan: string, quota: QuotaJson | undefined): Raw {
  if (!quota) return html`<p class="muted">This server does not meter usage.</p>`;
  const resets = html`<p class="hint">Counted since ${when(quota.period_start)}; resets ${when(quota.resets_at)}.</p>`;
  if (quota.units === 'unlimited') {
    return html`<p><strong>${number.format(quota.used)}</strong> units used this month; the ${plan} plan has no monthly quota.</p>${resets}`;
  }
  const share = quota.units > 0 ? Math.round((quota.used / quota.units) * 100) : 100;
  return html`<div class="quota">
<label for="quota-meter">Units used this month (${plan} plan)</label>
<meter id="quota-meter" min="0" max="${quota.units}" low="${Math.floor(quota.units * 0.8)}" high="${quota.units}" optimum="0" value="${Math.min(quota.used, quota.units)}">${share} %</meter>
<p><strong>${number.format(quota.used)}</strong> of ${number.format(quota.units)} units (${share} %)${quota.used >= quota.units ? html` <span class="badge badge-warn">quota reached: requests are refused until it resets</span>` : ''}</p>
</div>${resets}`;
}
