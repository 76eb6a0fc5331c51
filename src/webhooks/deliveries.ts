import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { newId } from '../domain/ids.js';
import { problems } from '../http/problem.js';
import { pageRequest } from '../identity/paging.js';
import type { Page, PageRequest, Store, WebhookDelivery } from '../store/ports.js';
import type { WebhookEndpoints } from './endpoints.js';

export interface WebhookDeliveriesDeps {
  store: Pick<Store, 'webhookDeliveries'>;
  endpoints: Pick<WebhookEndpoints, 'get' | 'writable'>;
  audit: AuditLog;
  now?: () => Date;
}

/** An endpoint's deliveries: the listing, and redelivery of one. */
export class WebhookDeliveries {
  private readonly now: () => Date;

  constructor(private readonly deps: WebhookDeliveriesDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Newest first. @throws HttpProblem 404 when the endpoint is not the organization's */
  async list(caller: Caller, organizationId: string, endpointId: string, page?: Partial<PageRequest>): Promise<Page<WebhookDelivery>> {
    await this.deps.endpoints.get(caller, organizationId, endpointId);
    return this.deps.store.webhookDeliveries.listByEndpoint(organizationId, endpointId, pageRequest(page));
  }

  /**
   * Sends a delivery again, as a new delivery of the same event (same body, same `webhook-id`:
   * a receiver that already processed it can tell), due now and retried like any other. The
   * caller must be able to act on the endpoint (`WebhookEndpoints.writable`).
   * @throws HttpProblem 404 (endpoint or delivery not the organization's), 403, 409 (still pending, or endpoint disabled)
   */
  async redeliver(caller: Caller, organizationId: string, endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
    const endpoint = await this.deps.endpoints.writable(caller, organizationId, endpointId);
    const original = typeof deliveryId === 'string' && deliveryId.length <= 100
      ? await this.deps.store.webhookDeliveries.findById(organizationId, deliveryId) : null;
    if (!original || original.endpointId !== endpoint.id) throw problems.notFound('webhook delivery');
    if (original.status === 'pending') throw problems.conflict('delivery_pending', 'This delivery is still being attempted.');
    if (!endpoint.enabled) throw problems.conflict('endpoint_disabled', 'The endpoint is disabled; enable it first.');
    const now = this.now();
    const delivery: WebhookDelivery = {
      ...original, id: newId('whd'), status: 'pending', attempts: 0, nextAttemptAt: now, lastAttemptAt: null, lastStatusCode: null,
      lastError: null, leaseOwner: null, leaseExpiresAt: null, redeliveryOf: original.id, createdAt: now, completedAt: null,
    };
    await this.deps.store.webhookDeliveries.create(delivery);
    await this.deps.audit.record({
      organizationId, action: 'webhook_delivery.redelivered', caller, target: { type: 'webhook_delivery', id: delivery.id },
      metadata: { endpoint_id: endpoint.id, event_id: delivery.eventId, redelivery_of: original.id },
    });
    return delivery;
  }
}
