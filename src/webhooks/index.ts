import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { WebhooksConfig } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Events } from '../events/emitter.js';
import { KeyReminders } from '../events/key-reminders.js';
import { Poller } from '../ops/poller.js';
import type { Store } from '../store/ports.js';
import type { AlertNotifier } from './alerts.js';
import { WebhookDeliveries } from './deliveries.js';
import { WebhookEndpoints } from './endpoints.js';
import { DeliveryWorker } from './worker.js';

export interface WebhooksPart {
  endpoints: WebhookEndpoints;
  deliveries: WebhookDeliveries;
  worker: DeliveryWorker;
  reminders: KeyReminders;
  /** starts the delivery worker (unless `webhooks.worker` is off) and the reminder sweep */
  start(): void;
  /** stops both, waiting for the round in progress (its sends are bounded by `webhooks.timeoutMs`) */
  close(): Promise<void>;
  /** runs this instance's background work now until none is left (never overlapping a run in progress): dispatch and due deliveries, the reminder sweep */
  drain(): Promise<void>;
}

/** Builds the webhook endpoints and deliveries services, the delivery worker and the reminder sweep. */
export function createWebhooksPart(deps: {
  store: Store; secrets: Secrets; audit: AuditLog; events: Events; alerts: AlertNotifier; config: WebhooksConfig; logger: Logger;
}): WebhooksPart {
  const { store, secrets, audit, config, logger } = deps;
  const endpoints = new WebhookEndpoints({ store, secrets, audit, config });
  const deliveries = new WebhookDeliveries({ store, endpoints, audit });
  const worker = new DeliveryWorker({ store, secrets, events: deps.events, alerts: deps.alerts, config, logger });
  const reminders = new KeyReminders({ store, events: deps.events, config: config.reminders });
  const pollers = [
    ...(config.worker ? [new Poller({ name: 'webhook delivery round', intervalMs: config.pollIntervalMs, logger, task: () => worker.roundAndMore() })] : []),
    new Poller({
      name: 'API-key reminder sweep', intervalMs: config.reminders.sweepIntervalMinutes * 60_000, logger,
      task: async () => { await reminders.sweep(); },
    }),
  ];
  return {
    endpoints, deliveries, worker, reminders,
    start() {
      for (const p of pollers) p.start();
    },
    async close() {
      await Promise.all(pollers.map((p) => p.stop()));
    },
    async drain() {
      for (const p of pollers) await p.drain();
    },
  };
}

export { type Alert, type AlertNotifier } from './alerts.js';
export { mailedAlerts } from './alert-mail.js';
export { webhookDeliveryToJson, webhookEndpointToJson } from './serialize.js';
export type { WebhookEndpoints, IssuedEndpoint, EndpointInput, EndpointPatch } from './endpoints.js';
export type { WebhookDeliveries } from './deliveries.js';
