import { EVENT_TYPES, type EventType } from './catalog.js';
import type { ApiKeyData, EventPayloads } from './payloads.js';

/** The alert event types (`alert: true` in the catalogue). */
export type AlertType = { [T in EventType]: (typeof EVENT_TYPES)[T]['alert'] extends true ? T : never }[EventType];

/** What an alert tells an organization's admins, in plain words. */
export interface AlertText {
  /** one line: the mail's subject, after the organization's name */
  headline: string;
  /** what happened, with the facts that identify it */
  happened: string[];
  /** what the admin should do about it */
  todo: string;
  /** the console page where that is done (`/console/o/<org>/<page>`), or null for the organization's home */
  consolePage: 'api-keys' | 'oauth-apps' | null;
}

const utc = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : 'never');
const keyLine = (k: ApiKeyData) => `Key: "${k.name}" (${k.id}, ${k.environment}, starting ${k.start}…), expires ${utc(k.expires_at)}.`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One text builder per alert type: a new alert type does not compile until it says something. */
const TEXTS: { [T in AlertType]: (data: EventPayloads[T]) => AlertText } = {
  'api_key.expiring': (d) => ({
    headline: `API key "${d.api_key.name}" expires in ${plural(d.days_before, 'day')}`,
    happened: [`An API key of your organization expires in ${plural(d.days_before, 'day')}.`, keyLine(d.api_key)],
    todo: 'If it is still in use, rotate it (the successor keeps its permissions) and move your integration to the new key before '
      + 'the old one expires. If nothing uses it any more, you can let it expire.',
    consolePage: 'api-keys',
  }),
  'api_key.rotation_due': (d) => ({
    headline: `API key "${d.api_key.name}" is due for rotation`,
    happened: [`An API key of your organization is ${plural(d.age_days, 'day')} old; your organization rotates keys every `
      + `${plural(d.reminder_days, 'day')}.`, keyLine(d.api_key)],
    todo: 'Rotate it with a grace period: the old key keeps working while you move your integration to the new one.',
    consolePage: 'api-keys',
  }),
  'api_key.leaked': (d) => ({
    headline: `API key "${d.api_key.name}" was found in public`,
    happened: [`An API key of your organization was found in public (${d.source}${d.url ? `: ${d.url}` : ''}).`, keyLine(d.api_key),
      d.action === 'revoked' ? 'Gatehouse revoked it.' : 'It still works.'],
    todo: `${d.action === 'revoked' ? '' : 'Revoke it now. '}Create a replacement for whatever used it, remove the key from where it `
      + 'was published, and look in the audit log for use you do not recognize.',
    consolePage: 'api-keys',
  }),
  'quota.threshold': (d) => ({
    headline: `${d.percent} % of this month's units used`,
    happened: [`Your organization used ${d.used} of its ${d.quota} monthly units (${d.percent} %) in the period from `
      + `${utc(d.period_start)} to ${utc(d.period_end)}.`],
    todo: d.percent >= 100
      ? 'Requests that cost units are refused until the period ends. Upgrade your plan to continue now.'
      : 'Check which keys use the most, or upgrade your plan before the quota runs out.',
    consolePage: null,
  }),
  'usage.anomaly': (d) => ({
    headline: `Unusual use of API key ${d.api_key_id}`,
    happened: [`API key ${d.api_key_id} made ${d.requests} requests in the hour from ${utc(d.hour)}; it usually makes about `
      + `${d.usual_requests}.`],
    todo: 'If you do not expect this traffic, the key may be in someone else\'s hands: rotate or revoke it.',
    consolePage: 'api-keys',
  }),
  'refresh_token.reuse_detected': (d) => ({
    headline: `A refresh token of "${d.app.name ?? d.app.client_id}" was used twice`,
    happened: [`A refresh token the app "${d.app.name ?? d.app.client_id}" (${d.app.client_id}) had already used was presented again`
      + `${d.user_id ? ` (member ${d.user_id})` : ''}. Gatehouse ended that sign-in: every token of it is revoked.`],
    todo: 'The member signs in again. If this repeats, the app\'s stored tokens may be stolen: check how the app keeps them, and '
      + 'rotate its client secret.',
    consolePage: 'oauth-apps',
  }),
  'webhook_endpoint.disabled': (d) => ({
    headline: 'A webhook endpoint was disabled',
    happened: [`Every delivery to the webhook endpoint ${d.webhook_endpoint.url} (${d.webhook_endpoint.id}) has failed since `
      + `${utc(d.failing_since)}, so Gatehouse disabled it. Its pending deliveries are marked failed.`],
    todo: `Fix the receiver, then enable the endpoint again (PATCH …/webhooks/${d.webhook_endpoint.id} with {"enabled": true}) `
      + 'and redeliver the deliveries you need.',
    consolePage: null,
  }),
};

/** Whether events of `type` are alerts. */
export function isAlertType(type: string): type is AlertType {
  return Object.hasOwn(TEXTS, type);
}

/** What an alert says, from its event's data. */
export function alertText<T extends AlertType>(type: T, data: EventPayloads[T]): AlertText {
  return (TEXTS[type] as (d: EventPayloads[T]) => AlertText)(data);
}
