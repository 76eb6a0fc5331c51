import type { Logger } from 'pino';
import { EVENT_TYPES, isEventType, subscribes } from '../events/catalog.js';
import { newId } from '../domain/ids.js';
import type { Store, StoredEvent, WebhookDelivery, WebhookEndpoint } from '../store/ports.js';
import type { AlertNotifier } from './alerts.js';

/** Events read from the outbox per round. */
const BATCH = 100;

/** The body every delivery of an event carries (Standard Webhooks: `{type, timestamp, data}`). */
export function deliveryBody(event: StoredEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
}

/** A new pending delivery of `event` to `endpoint`, due at `at`. */
export function newDelivery(event: StoredEvent, endpoint: Pick<WebhookEndpoint, 'id' | 'organizationId'>, at: Date): WebhookDelivery {
  return {
    id: newId('whd'), organizationId: endpoint.organizationId, endpointId: endpoint.id, eventId: event.id, eventType: event.type,
    payload: deliveryBody(event), status: 'pending', attempts: 0, nextAttemptAt: at, lastAttemptAt: null, lastStatusCode: null,
    lastError: null, leaseOwner: null, leaseExpiresAt: null, redeliveryOf: null, createdAt: at, completedAt: null,
  };
}

export interface DispatcherDeps {
  store: Pick<Store, 'events' | 'webhookEndpoints'>;
  alerts: AlertNotifier;
  logger: Logger;
}

/**
 * Turns outbox events into deliveries: one per enabled endpoint of the event's organization that
 * subscribes to its type (and existed when it happened), stored with the event's "dispatched" mark in one store transaction
 * (several instances may dispatch at once: each event is dispatched once). An alert event is
 * first offered to the alert notifier; if that fails the event waits for the next round.
 */
export async function dispatchPending(deps: DispatcherDeps, now: Date): Promise<number> {
  const events = await deps.store.events.undispatched(BATCH);
  const endpointsOf = new Map<string, Promise<WebhookEndpoint[]>>();
  let dispatched = 0;
  for (const event of events) {
    const org = event.organizationId;
    if (org && isEventType(event.type) && EVENT_TYPES[event.type].alert) {
      try {
        await deps.alerts.notify({ eventId: event.id, organizationId: org, type: event.type, data: event.data, occurredAt: event.occurredAt });
      } catch (err) {
        deps.logger.error({ err, event: event.id, type: event.type }, 'alert notifier failed; the event waits for the next round');
        continue;
      }
    }
    let endpoints: WebhookEndpoint[] = [];
    if (org) {
      if (!endpointsOf.has(org)) endpointsOf.set(org, deps.store.webhookEndpoints.listEnabled(org));
      // an endpoint receives what happens after it was made, not an older event still in the outbox
      endpoints = (await endpointsOf.get(org)!).filter((e) => subscribes(e.events, event.type) && e.createdAt <= event.occurredAt);
    }
    if (await deps.store.events.dispatch(event.id, endpoints.map((e) => newDelivery(event, e, now)), now)) dispatched++;
  }
  return dispatched;
}
