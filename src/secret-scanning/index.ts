import type { Logger } from 'pino';
import type { ApiKeyService } from '../api-keys/service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Events } from '../events/emitter.js';
import type { PermissionService } from '../identity/permissions.js';
import type { Store } from '../store/ports.js';
import { GitHubKeyring } from './github-keys.js';
import { LeakedKeys } from './leaked-keys.js';
import { LeakedKeyPolicySetting } from './policy.js';
import { secretScanningRoute } from './route.js';

export interface SecretScanning {
  leakedKeys: LeakedKeys;
  policy: LeakedKeyPolicySetting;
  /** `POST /v1/secret-scanning/github`; mount before the management API */
  middleware: ReturnType<typeof secretScanningRoute>;
}

/** Leaked keys (SPEC §10): GitHub's partner endpoint, the handling of real keys, the organization policy. */
export function createSecretScanning(deps: {
  config: Config; store: Store; secrets: Secrets; apiKeys: ApiKeyService; events: Events; audit: AuditLog;
  permissions: Pick<PermissionService, 'heldByMembers'>; logger: Logger;
}): SecretScanning {
  const github = deps.config.secretScanning.github;
  const keyring = new GitHubKeyring({
    configured: github.publicKeys,
    fetch: github.fetchKeys ? { url: github.keysUrl, refreshSeconds: github.keysRefreshSeconds, allowPrivateNetworks: github.allowPrivateNetworks, timeoutMs: 10_000 } : null,
  });
  const leakedKeys = new LeakedKeys({ store: deps.store, secrets: deps.secrets, apiKeys: deps.apiKeys, events: deps.events });
  return {
    leakedKeys,
    policy: new LeakedKeyPolicySetting({ store: deps.store, permissions: deps.permissions, audit: deps.audit }),
    middleware: secretScanningRoute({ keyring, leakedKeys, maxBodyBytes: github.maxBodyBytes, logger: deps.logger }),
  };
}
