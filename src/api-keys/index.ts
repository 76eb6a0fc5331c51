import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Identity } from '../identity/index.js';
import type { Store } from '../store/ports.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Events } from '../events/emitter.js';
import { ApiKeyService } from './service.js';
import { UsageRecorder } from './usage-recorder.js';

export interface ApiKeysPart {
  apiKeys: ApiKeyService;
  usage: UsageRecorder;
}

/**
 * Builds the usage recorder (its flush timer started) and the API-key service, over the audit
 * log and the events emitter the composition root made. The caller closes `usage` on shutdown so
 * the last counts are written.
 */
export function createApiKeysPart(deps: {
  store: Store; secrets: Secrets; identity: Identity; config: Config; logger: Logger; audit: AuditLog; events: Events;
  now?: () => Date;
}): ApiKeysPart {
  const { audit, events } = deps;
  const usage = new UsageRecorder({ store: deps.store.usage, logger: deps.logger, flushMs: deps.config.apiKeys.usageFlushMs });
  usage.start();
  const apiKeys = new ApiKeyService({
    store: deps.store, secrets: deps.secrets, keyPrefix: deps.config.apiKeys.prefix, audit, events, usage, now: deps.now,
    organizations: deps.identity.organizations, permissions: deps.identity.permissions, removal: deps.identity.permissionRemoval,
    defaultReminderDays: deps.config.webhooks.reminders.rotationAfterDays,
  });
  return { apiKeys, usage };
}

export { ApiKeyService, type CreateApiKeyInput, type UpdateApiKeyInput, type IssuedApiKey } from './service.js';
export { UsageRecorder } from './usage-recorder.js';
export { apiKeyToJson, type ApiKeyJson } from './serialize.js';
export { OrganizationKeySettings, reminderDaysOf } from './organization-settings.js';
