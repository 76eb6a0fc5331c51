import type { WebhookDeliveries, WebhookEndpoints } from '../webhooks/index.js';
import { webhookDeliveryToJson, webhookEndpointToJson } from '../webhooks/serialize.js';
import type { WebhookEndpoint } from '../store/ports.js';
import { orgRoute, type AnyRoute } from './route-kit.js';
import { listQuery, pageJson, pageOf } from './schemas/common.js';
import {
  createWebhookBody, issuedWebhookEndpoint, overlapSeconds, rotateWebhookSecretBody, updateWebhookBody, webhookDeliveryObject,
  webhookEndpointObject,
} from './schemas/webhooks.js';

/**
 * `/organizations/{org}/webhooks` (SPEC §9): endpoints (`webhooks:read` / `webhooks:write`), their
 * signing secrets (shown once, rotated with an overlap), their deliveries and redelivery.
 */
export function webhookRoutes(endpoints: WebhookEndpoints, deliveries: WebhookDeliveries): AnyRoute[] {
  const base = '/organizations/{org}/webhooks';
  const tag = 'Webhooks';
  const issued = ({ endpoint, secret }: { endpoint: WebhookEndpoint; secret: string }) => ({ ...webhookEndpointToJson(endpoint), secret });
  return [
    orgRoute({
      method: 'post', path: base, tag, summary: 'Create an endpoint (its signing secret is returned this once)',
      permission: 'webhooks:write', body: createWebhookBody, status: 201, response: issuedWebhookEndpoint,
      handle: async ({ caller, org, body }) => issued(await endpoints.create(caller, org.id, body)),
    }),
    orgRoute({
      method: 'get', path: base, tag, summary: 'List endpoints, newest first', permission: 'webhooks:read',
      query: listQuery, response: pageOf(webhookEndpointObject),
      handle: async ({ caller, org, query }) => pageJson(await endpoints.list(caller, org.id, query), webhookEndpointToJson),
    }),
    orgRoute({
      method: 'get', path: `${base}/{id}`, tag, summary: 'Get an endpoint', permission: 'webhooks:read', response: webhookEndpointObject,
      handle: async ({ caller, org, params }) => webhookEndpointToJson(await endpoints.get(caller, org.id, params.id)),
    }),
    orgRoute({
      method: 'patch', path: `${base}/{id}`, tag, summary: 'Change the URL, events or description; disable or enable',
      permission: 'webhooks:write', body: updateWebhookBody, response: webhookEndpointObject,
      handle: async ({ caller, org, params, body }) => webhookEndpointToJson(await endpoints.update(caller, org.id, params.id, body)),
    }),
    orgRoute({
      method: 'delete', path: `${base}/{id}`, tag, summary: 'Delete an endpoint (its pending deliveries are dropped)',
      permission: 'webhooks:write', status: 204,
      handle: ({ caller, org, params }) => endpoints.delete(caller, org.id, params.id),
    }),
    orgRoute({
      method: 'post', path: `${base}/{id}/rotate-secret`, tag,
      summary: 'A new signing secret, shown once; the previous one keeps signing beside it for the grace period (default 24h)',
      permission: 'webhooks:write', body: rotateWebhookSecretBody, status: 201, response: issuedWebhookEndpoint,
      handle: async ({ caller, org, params, body }) => issued(await endpoints.rotateSecret(caller, org.id, params.id, overlapSeconds(body))),
    }),
    orgRoute({
      method: 'get', path: `${base}/{id}/deliveries`, tag, summary: "The endpoint's deliveries, newest first",
      permission: 'webhooks:read', query: listQuery, response: pageOf(webhookDeliveryObject),
      handle: async ({ caller, org, params, query }) => pageJson(await deliveries.list(caller, org.id, params.id, query), webhookDeliveryToJson),
    }),
    orgRoute({
      method: 'post', path: `${base}/{id}/deliveries/{delivery_id}/redeliver`, tag,
      summary: 'Send a delivery again (same event, same webhook-id), now and on the retry schedule',
      permission: 'webhooks:write', status: 202, response: webhookDeliveryObject,
      handle: async ({ caller, org, params }) => webhookDeliveryToJson(await deliveries.redeliver(caller, org.id, params.id, params.delivery_id)),
    }),
  ];
}
