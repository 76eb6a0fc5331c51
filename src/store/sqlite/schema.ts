/**
 * The SQLite schema, as versioned migrations: element `i` takes the schema from version `i` to
 * `i + 1` (`PRAGMA user_version`); `migrate.ts` runs and records them. APPEND a new element for
 * each feature's tables, columns and indexes, starting with a `-- what it is for` line (shown by
 * `gatehouse migrate --status`); never edit or reorder a released one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: every aggregate
  `
  CREATE TABLE organizations (
    id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, plan TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE TABLE memberships (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, user_id TEXT NOT NULL, roles TEXT NOT NULL,
    created_at INTEGER NOT NULL, UNIQUE (organization_id, user_id)
  );
  CREATE INDEX memberships_by_org ON memberships (organization_id, id);
  CREATE INDEX memberships_by_user ON memberships (user_id, id);
  CREATE TABLE roles (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
    permissions TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    UNIQUE (organization_id, name)
  );
  CREATE INDEX roles_by_org ON roles (organization_id, id);
  CREATE TABLE resources (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, identifier TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL, permissions TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX resources_by_org ON resources (organization_id, id);
  CREATE TABLE clients (
    client_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL, post_logout_redirect_uris TEXT NOT NULL, grant_types TEXT NOT NULL,
    token_endpoint_auth_method TEXT NOT NULL, sealed_secret TEXT, scope TEXT NOT NULL,
    permissions TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX clients_by_org ON clients (organization_id, client_id);
  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY, alg TEXT NOT NULL, sealed_private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL,
    created_at INTEGER NOT NULL, retired_at INTEGER, remove_after INTEGER
  );
  CREATE TABLE oidc_payloads (
    model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, grant_id TEXT, uid TEXT,
    user_code TEXT, consumed INTEGER, expires_at INTEGER, PRIMARY KEY (model, id)
  );
  CREATE INDEX oidc_by_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oidc_by_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
  CREATE INDEX oidc_by_user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX oidc_by_expiry ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, organization_id TEXT, name TEXT NOT NULL, environment TEXT NOT NULL,
    digest TEXT NOT NULL, start TEXT NOT NULL, permissions TEXT NOT NULL, expires_at INTEGER,
    ip_allowlist TEXT NOT NULL, rate_limit TEXT, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL, revoked_at INTEGER, rotated_to TEXT
  );
  CREATE INDEX api_keys_by_org ON api_keys (organization_id, id);
  CREATE INDEX api_keys_by_update ON api_keys (updated_at);
  CREATE TABLE api_key_usage (
    key_id TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (key_id, day)
  ) WITHOUT ROWID;
  CREATE TABLE api_key_last_used (key_id TEXT PRIMARY KEY, last_used_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE audit_events (
    id TEXT PRIMARY KEY, organization_id TEXT, action TEXT NOT NULL, actor TEXT NOT NULL, target TEXT,
    ip TEXT, at INTEGER NOT NULL, metadata TEXT NOT NULL
  );
  CREATE INDEX audit_by_org ON audit_events (organization_id, id);
  CREATE TABLE rate_limits (
    bucket TEXT NOT NULL, window_start INTEGER NOT NULL, count INTEGER NOT NULL,
    expires_at INTEGER NOT NULL, PRIMARY KEY (bucket, window_start)
  ) WITHOUT ROWID;
  CREATE INDEX rate_limits_by_expiry ON rate_limits (expires_at);
  `,
  `
  -- usage flush ids, so a retried flush is applied once
  CREATE TABLE usage_flushes (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX usage_flushes_by_expiry ON usage_flushes (expires_at);
  `,
  `
  -- apps for every organization, private_key_jwt, secret rotation with a grace period; connected apps
  ALTER TABLE clients ADD COLUMN multi_organization INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE clients ADD COLUMN jwks TEXT;
  ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
  ALTER TABLE clients ADD COLUMN previous_sealed_secret TEXT;
  ALTER TABLE clients ADD COLUMN previous_secret_expires_at INTEGER;
  CREATE TABLE app_connections (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, client_id TEXT NOT NULL, user_id TEXT NOT NULL,
    scopes TEXT NOT NULL, resources TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    UNIQUE (organization_id, client_id, user_id)
  );
  CREATE INDEX app_connections_by_client ON app_connections (organization_id, client_id, id);
  `,
  `
  -- invitations, and disabled members
  ALTER TABLE memberships ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE invitations (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, email TEXT NOT NULL, roles TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE, invited_by TEXT NOT NULL, created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL, accepted_at INTEGER, accepted_by TEXT, revoked_at INTEGER
  );
  CREATE INDEX invitations_by_org ON invitations (organization_id, id);
  `,
  `
  -- the stored mail outbox
  CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, organization_id TEXT, sealed TEXT NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, lease_owner TEXT, lease_expires_at INTEGER,
    last_error TEXT, created_at INTEGER NOT NULL, finished_at INTEGER
  );
  CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
  CREATE INDEX mail_outbox_finished ON mail_outbox (finished_at) WHERE finished_at IS NOT NULL;
  `,
  `
  -- clients that must use pushed authorization requests
  ALTER TABLE clients ADD COLUMN require_par INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- console sessions (backend-for-frontend): a digest of the cookie as id, everything else sealed
  CREATE TABLE console_sessions (
    id TEXT PRIMARY KEY, sealed TEXT NOT NULL, version INTEGER NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
  `,
  `
  -- platform resources: a resource's organization may be null
  CREATE TABLE resources_next (
    id TEXT PRIMARY KEY, organization_id TEXT, identifier TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL, permissions TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  INSERT INTO resources_next (id, organization_id, identifier, name, permissions, created_at, updated_at)
    SELECT id, organization_id, identifier, name, permissions, created_at, updated_at FROM resources;
  DROP TABLE resources;
  ALTER TABLE resources_next RENAME TO resources;
  CREATE INDEX resources_by_org ON resources (organization_id, id);
  `,
  `
  -- events outbox, webhook endpoints and deliveries, job leases; API-key reminder lookups
  CREATE TABLE events (
    id TEXT PRIMARY KEY, organization_id TEXT, type TEXT NOT NULL, data TEXT NOT NULL, occurred_at INTEGER NOT NULL,
    once_key TEXT UNIQUE, dispatched_at INTEGER
  );
  CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;
  CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, url TEXT NOT NULL, description TEXT NOT NULL, events TEXT NOT NULL,
    sealed_secret TEXT NOT NULL, previous_sealed_secret TEXT, previous_secret_expires_at INTEGER, enabled INTEGER NOT NULL,
    disabled_reason TEXT, failing_since INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (organization_id, id);
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, event_id TEXT NOT NULL,
    event_type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
    next_attempt_at INTEGER, last_attempt_at INTEGER, last_status_code INTEGER, last_error TEXT, lease_owner TEXT,
    lease_expires_at INTEGER, redelivery_of TEXT, created_at INTEGER NOT NULL, completed_at INTEGER
  );
  CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (organization_id, endpoint_id, id);
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE TABLE job_leases (name TEXT PRIMARY KEY, owner TEXT, expires_at INTEGER NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX api_keys_by_expiry ON api_keys (expires_at) WHERE expires_at IS NOT NULL;
  CREATE INDEX api_keys_by_creation ON api_keys (created_at);
  `,
  `
  -- alert mail: one per (event, recipient), whatever retries do
  ALTER TABLE mail_outbox ADD COLUMN dedupe_key TEXT;
  CREATE UNIQUE INDEX mail_outbox_dedupe ON mail_outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
  `,
  `
  -- accounts: verified emails (existing people count as verified), organizations requiring MFA, single-use links and challenges, second factors, recovery codes, a person's OIDC payloads
  ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE organizations ADD COLUMN mfa_required INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE account_tokens (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT, digest TEXT NOT NULL UNIQUE, binding TEXT,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
  );
  CREATE INDEX account_tokens_by_user ON account_tokens (user_id, kind) WHERE user_id IS NOT NULL;
  CREATE INDEX account_tokens_by_expiry ON account_tokens (expires_at);
  CREATE TABLE mfa_factors (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, sealed_secret TEXT,
    credential_id TEXT UNIQUE, public_key TEXT, transports TEXT NOT NULL, counter INTEGER NOT NULL,
    confirmed_at INTEGER, created_at INTEGER NOT NULL, last_used_at INTEGER
  );
  CREATE INDEX mfa_factors_by_user ON mfa_factors (user_id, id);
  CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL, digest TEXT NOT NULL, created_at INTEGER NOT NULL, used_at INTEGER,
    PRIMARY KEY (user_id, digest)
  ) WITHOUT ROWID;
  CREATE INDEX oidc_by_account ON oidc_payloads (json_extract(payload, '$.accountId'))
    WHERE json_extract(payload, '$.accountId') IS NOT NULL;
  `,
  `
  -- SCIM provisioning: scim_ tokens (keyed digests only), and the people identity providers provisioned
  CREATE TABLE scim_tokens (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL, digest TEXT NOT NULL UNIQUE,
    start TEXT NOT NULL, permissions TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER, last_used_at INTEGER
  );
  CREATE INDEX scim_tokens_by_org ON scim_tokens (organization_id, id);
  CREATE TABLE scim_users (
    id TEXT NOT NULL, organization_id TEXT NOT NULL, user_id TEXT, email TEXT NOT NULL,
    invited_email TEXT, external_id TEXT, name TEXT, display_name TEXT, active INTEGER NOT NULL,
    roles TEXT NOT NULL, invitation_id TEXT, version INTEGER NOT NULL, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL, PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, user_id), UNIQUE (organization_id, external_id), UNIQUE (organization_id, invited_email)
  ) WITHOUT ROWID;
  CREATE INDEX scim_users_by_invitation ON scim_users (organization_id, invitation_id);
  `,
  `
  -- single-use claims (DPoP proof jti replay detection, shared by every instance)
  CREATE TABLE single_use (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX single_use_by_expiry ON single_use (expires_at);
  `,
  `
  -- clients that must use DPoP-bound access tokens (RFC 9449 dpop_bound_access_tokens)
  ALTER TABLE clients ADD COLUMN dpop_bound INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- secret scanning: what an organization does with a leaked API key (SPEC §10)
  ALTER TABLE organizations ADD COLUMN leaked_key_policy TEXT NOT NULL DEFAULT 'revoke';
  `,
  `
  -- API keys: metadata and disabling; organizations: the longest key lifetime, the rotation reminder
  ALTER TABLE api_keys ADD COLUMN disabled_at INTEGER;
  ALTER TABLE api_keys ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE organizations ADD COLUMN max_key_lifetime_seconds INTEGER;
  ALTER TABLE organizations ADD COLUMN key_rotation_reminder_days INTEGER;
  `,
  `
  -- metering (SPEC §9): hourly outcomes and units per organization and key ('' = not a key), monthly units per organization
  CREATE TABLE usage_hours (
    organization_id TEXT NOT NULL, hour INTEGER NOT NULL, key_id TEXT NOT NULL,
    ok INTEGER NOT NULL, denied INTEGER NOT NULL, rate_limited INTEGER NOT NULL, units INTEGER NOT NULL,
    PRIMARY KEY (organization_id, hour, key_id)
  ) WITHOUT ROWID;
  CREATE INDEX usage_hours_by_key ON usage_hours (key_id, hour);
  CREATE INDEX usage_hours_by_hour ON usage_hours (hour);
  CREATE TABLE usage_months (
    organization_id TEXT NOT NULL, month TEXT NOT NULL, units INTEGER NOT NULL, PRIMARY KEY (organization_id, month)
  ) WITHOUT ROWID;
  `,
  `
  -- single sign-on: organizations' OpenID Connect providers (secrets sealed), and email domains (each verified for one organization at most)
  CREATE TABLE sso_connections (
    organization_id TEXT PRIMARY KEY, issuer TEXT NOT NULL, client_id TEXT NOT NULL, sealed_client_secret TEXT NOT NULL,
    default_role TEXT NOT NULL, required INTEGER NOT NULL, created_by TEXT NOT NULL, version INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE email_domains (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, domain TEXT NOT NULL, verification_token TEXT NOT NULL,
    verified_at INTEGER, verified_by TEXT, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
    UNIQUE (organization_id, domain)
  );
  CREATE INDEX email_domains_by_org ON email_domains (organization_id, id);
  CREATE UNIQUE INDEX email_domains_verified ON email_domains (domain) WHERE verified_at IS NOT NULL;
  `,
  `
  -- resource-server bindings: confidential clients that introspect and report usage for a resource, across organizations
  CREATE TABLE resource_bindings (
    resource_id TEXT NOT NULL, client_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (resource_id, client_id)
  ) WITHOUT ROWID;
  CREATE INDEX resource_bindings_by_client ON resource_bindings (client_id);
  `,
];
