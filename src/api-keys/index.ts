import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Identity } from '../identity/index.js';
import type { Store } from '../store/ports.js';
import { AuditLog } from '../audit/audit-log.js';
import { Events } from '../events/emitter.js';
import { ApiKeyService } from './service.js';
import { UsageRecorder } from './usage-recorder.js';

export interface ApiKeysPart {
  apiKeys: ApiKeyService;
  usage: UsageRecorder;
  audit: AuditLog;
  /** the events emitter (SPEC §9), shared with every part that emits */
  events: Events;
}

/**
 * Builds the audit log, the events emitter, the usage recorder (its flush timer started) and the API-key service.
 * The caller closes `usage` on shutdown so the last counts are written.
 */
export function createApiKeysPart(deps: {
  store: Store; secrets: Secrets; identity: Identity; config: Config; logger: Logger; now?: () => Date;
}): ApiKeysPart {
  const audit = new AuditLog({ store: deps.store.audit, logger: deps.logger, now: deps.now });
  const events = new Events({ store: deps.store, now: deps.now });
  const usage = new UsageRecorder({ store: deps.store.usage, logger: deps.logger, flushMs: deps.config.apiKeys.usageFlushMs });
  usage.start();
  const apiKeys = new ApiKeyService({
    store: deps.store, secrets: deps.secrets, audit, events, usage, now: deps.now,
    organizations: deps.identity.organizations, permissions: deps.identity.permissions,
  });
  return { apiKeys, usage, audit, events };
}

export { ApiKeyService, type CreateApiKeyInput, type UpdateApiKeyInput, type IssuedApiKey } from './service.js';
export { UsageRecorder } from './usage-recorder.js';
export { apiKeyToJson, type ApiKeyJson } from './serialize.js';
