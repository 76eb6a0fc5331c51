import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhooksConfig } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Events } from '../events/emitter.js';
import type { DeliverySettlement, Store, WebhookDelivery, WebhookEndpoint } from '../store/ports.js';
import type { AlertNotifier } from './alerts.js';
import { nextAttemptAt } from './backoff.js';
import { dispatchPending } from './dispatcher.js';
import { attemptDelivery, type AttemptInput, type AttemptResult } from './sender.js';
import { secretSealContext } from './signing.js';
import { urlForLogs } from './url-policy.js';

const DAY_MS = 86_400_000;

export interface DeliveryWorkerDeps {
  store: Pick<Store, 'events' | 'webhookEndpoints' | 'webhookDeliveries'>;
  secrets: Secrets;
  events: Events;
  alerts: AlertNotifier;
  config: WebhooksConfig;
  logger: Logger;
  now?: () => Date;
  /** uniform in [0, 1), for the retry jitter */
  random?: () => number;
  /** sends one attempt (tests may replace the network) */
  send?: (input: AttemptInput) => Promise<AttemptResult>;
}

/** What one round did. */
export interface RoundReport { dispatched: number; attempted: number; delivered: number }

/**
 * The delivery worker. Each round it dispatches outbox events into deliveries, then leases the
 * deliveries due (each to one worker only, whatever the number of instances), sends them, and
 * settles each under its lease: success, a retry on the backoff schedule, or failed once retries
 * ran out. Deliveries are stored before they are sent, so a process killed mid-send loses
 * nothing: the lease expires and another worker (or this one, restarted) sends again, with the
 * same `webhook-id`. An endpoint whose every attempt failed for `disableAfterDays` is disabled,
 * with a `webhook_endpoint.disabled` event (an alert).
 */
export class DeliveryWorker {
  /** this worker's lease owner name */
  readonly owner = `worker-${randomBytes(6).toString('hex')}`;
  private readonly now: () => Date;
  private readonly send: (input: AttemptInput) => Promise<AttemptResult>;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.send = deps.send ?? attemptDelivery;
  }

  /** One round: dispatch, then one batch of due deliveries. */
  async round(): Promise<RoundReport> {
    const { store, logger, config } = this.deps;
    const dispatched = await dispatchPending({ store, alerts: this.deps.alerts, logger }, this.now());
    const now = this.now();
    const leased = await store.webhookDeliveries.lease(now, this.owner, new Date(now.getTime() + config.leaseSeconds * 1000), config.concurrency);
    const results = await Promise.all(leased.map((d) => this.deliver(d)));
    return { dispatched, attempted: leased.length, delivered: results.filter(Boolean).length };
  }

  /** Whether another round should follow at once (a full batch: more may be due). */
  async roundAndMore(): Promise<boolean> {
    const report = await this.round();
    return report.attempted === this.deps.config.concurrency || report.dispatched > 0;
  }

  private async deliver(delivery: WebhookDelivery): Promise<boolean> {
    const endpoint = await this.deps.store.webhookEndpoints.findById(delivery.organizationId, delivery.endpointId);
    if (!endpoint || !endpoint.enabled) {
      await this.settle(delivery, {
        at: this.now(), statusCode: null, error: endpoint ? 'endpoint disabled' : 'endpoint deleted', status: 'failed', nextAttemptAt: null, attempted: false,
      });
      return false;
    }
    const at = this.now();
    const result = await this.send({
      url: endpoint.url, secrets: this.signingSecrets(endpoint, at), delivery, at,
      allowPrivateNetworks: this.deps.config.allowPrivateNetworks, timeoutMs: this.deps.config.timeoutMs,
    });
    const settledAt = this.now();
    const retryAt = result.ok ? null : nextAttemptAt(this.deps.config.retry, delivery.attempts + 1, delivery.createdAt, settledAt, this.deps.random);
    const status = result.ok ? 'succeeded' : retryAt ? 'pending' : 'failed';
    await this.settle(delivery, { at: settledAt, statusCode: result.statusCode, error: result.error, status, nextAttemptAt: retryAt, attempted: true });
    this.deps.logger[result.ok ? 'debug' : 'info']({
      delivery: delivery.id, endpoint: endpoint.id, event: delivery.eventId, url: urlForLogs(endpoint.url), status, error: result.error,
    }, result.ok ? 'webhook delivered' : 'webhook attempt failed');
    if (result.ok) {
      if (endpoint.failingSince) await this.deps.store.webhookEndpoints.markHealthy(endpoint.id);
    } else {
      await this.recordFailure(endpoint, settledAt);
    }
    return result.ok;
  }

  private async settle(delivery: WebhookDelivery, settlement: DeliverySettlement): Promise<void> {
    if (!(await this.deps.store.webhookDeliveries.settle(delivery.id, this.owner, settlement))) {
      this.deps.logger.warn({ delivery: delivery.id }, 'webhook delivery lease lost before the attempt was recorded');
    }
  }

  /** The current secret and, during a rotation's overlap, the previous one: both sign. */
  private signingSecrets(endpoint: WebhookEndpoint, at: Date): string[] {
    const context = secretSealContext(endpoint.id);
    const secrets = [this.deps.secrets.unseal(endpoint.sealedSecret, context)];
    if (endpoint.previousSealedSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) {
      secrets.push(this.deps.secrets.unseal(endpoint.previousSealedSecret, context));
    }
    return secrets;
  }

  private async recordFailure(endpoint: WebhookEndpoint, at: Date): Promise<void> {
    const current = await this.deps.store.webhookEndpoints.markFailing(endpoint.id, at);
    if (!current?.failingSince || !current.enabled) return;
    if (at.getTime() - current.failingSince.getTime() < this.deps.config.disableAfterDays * DAY_MS) return;
    const event = this.deps.events.record('webhook_endpoint.disabled', {
      organizationId: current.organizationId, caller: null, target: { type: 'webhook_endpoint', id: current.id }, at,
      data: { webhook_endpoint: { id: current.id, url: urlForLogs(current.url) }, failing_since: current.failingSince.toISOString(), reason: 'failing' },
      metadata: { failing_since: current.failingSince.toISOString() },
    });
    if (await this.deps.store.webhookEndpoints.disableFailing(current.id, current.failingSince, at, [event])) {
      this.deps.logger.warn({ endpoint: current.id, organization: current.organizationId, failingSince: current.failingSince }, 'webhook endpoint disabled: failing for days');
    }
  }
}
