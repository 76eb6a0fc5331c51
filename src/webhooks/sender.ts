import { outboundRequest, OutboundRefused } from '../net/outbound.js';
import type { WebhookDelivery } from '../store/ports.js';
import { signatureHeader } from './signing.js';
import { addressPolicy } from './url-policy.js';

/** What one attempt came to. */
export interface AttemptResult {
  ok: boolean;
  /** the receiver's HTTP status, null when it gave none */
  statusCode: number | null;
  /** why it failed, in a few words (never a secret, never the URL's query) */
  error: string | null;
}

export interface AttemptInput {
  url: string;
  /** the endpoint's signing secrets in force (`whsec_…`): the current one, and the previous during an overlap */
  secrets: readonly string[];
  delivery: Pick<WebhookDelivery, 'eventId' | 'payload'>;
  /** the attempt's time: `webhook-timestamp` */
  at: Date;
  allowPrivateNetworks: boolean;
  timeoutMs: number;
}

export const USER_AGENT = 'Gatehouse-Webhooks/1';

/** A short, safe description of why a request failed. */
function describe(err: unknown): string {
  if (err instanceof OutboundRefused) return `refused: ${err.message}`;
  const e = err as { code?: string; message?: string };
  return (e.code ? `${e.code}: ` : '') + String(e.message ?? err).slice(0, 200);
}

/**
 * One delivery attempt, as Standard Webhooks has it: POST the stored body with `webhook-id` (the
 * event id, the same on every retry and redelivery, so receivers can deduplicate),
 * `webhook-timestamp` (this attempt, seconds) and `webhook-signature`. A 2xx is a success;
 * anything else (3xx included: redirects are not followed), a timeout or a refused address is a
 * failure. The response body is never read.
 */
export async function attemptDelivery(input: AttemptInput): Promise<AttemptResult> {
  if (new URL(input.url).protocol !== 'https:' && !input.allowPrivateNetworks) {
    return { ok: false, statusCode: null, error: 'refused: https is required' };
  }
  const timestamp = Math.floor(input.at.getTime() / 1000);
  try {
    const res = await outboundRequest({
      url: input.url, method: 'POST', body: input.delivery.payload, allowed: addressPolicy(input.allowPrivateNetworks),
      timeoutMs: input.timeoutMs, maxResponseBytes: 0, ignoreBody: true,
      headers: {
        'content-type': 'application/json', 'user-agent': USER_AGENT,
        'webhook-id': input.delivery.eventId, 'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(input.secrets, input.delivery.eventId, timestamp, input.delivery.payload),
      },
    });
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: describe(err) };
  }
}
