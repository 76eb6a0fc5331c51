import { newId } from '../../src/domain/ids.js';
import type { EventRecord, StoredEvent, WebhookDelivery, WebhookEndpoint } from '../../src/store/ports.js';
import { at } from './fixtures.js';

/** An event and its audit entry, as a change carries them. */
export function eventRecord(organizationId: string | null, over: Partial<StoredEvent> = {}): EventRecord {
  const event: StoredEvent = {
    id: newId('evt'), organizationId, type: 'api_key.created', data: { api_key: { id: 'key_1', permissions: ['a:read'] } },
    occurredAt: at(), onceKey: null, dispatchedAt: null, ...over,
  };
  return {
    event,
    audit: {
      id: newId('aud'), organizationId, action: event.type, actor: { type: 'cli', id: null }, target: { type: 'api_key', id: 'key_1' },
      ip: null, at: event.occurredAt, metadata: { name: 'billing' },
    },
  };
}

export function endpoint(organizationId: string, over: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: newId('whe'), organizationId, url: 'https://hooks.example.com/gatehouse', description: 'billing', events: ['api_key.created'],
    sealedSecret: 'v1.sealed.secret.tag', previousSealedSecret: null, previousSecretExpiresAt: null, enabled: true, disabledReason: null,
    failingSince: null, createdAt: at(), updatedAt: at(), ...over,
  };
}

export function delivery(organizationId: string, endpointId: string, over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: newId('whd'), organizationId, endpointId, eventId: newId('evt'), eventType: 'api_key.created', payload: '{"type":"api_key.created"}',
    status: 'pending', attempts: 0, nextAttemptAt: at(1000), lastAttemptAt: null, lastStatusCode: null, lastError: null,
    leaseOwner: null, leaseExpiresAt: null, redeliveryOf: null, createdAt: at(1000), completedAt: null, ...over,
  };
}
