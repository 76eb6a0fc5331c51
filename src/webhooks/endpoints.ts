import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { WebhooksConfig } from '../config/schema.js';
import { newId } from '../domain/ids.js';
import type { Secrets } from '../domain/secrets.js';
import { ALL_EVENTS, isEventType, permissionsToSubscribe } from '../events/catalog.js';
import { problems, type FieldIssue } from '../http/problem.js';
import { assertHolds, assertInScope, assertReachesEnvironment, loadControlled } from '../identity/authority.js';
import { pageRequest } from '../identity/paging.js';
import type { Page, PageRequest, Store, WebhookEndpoint, WebhookEndpointPatch } from '../store/ports.js';
import { newSigningSecret, secretSealContext } from './signing.js';
import { endpointUrlProblem, urlForLogs } from './url-policy.js';

/** The most event types one endpoint lists. */
export const MAX_SUBSCRIBED = 50;

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string;
}

export interface EndpointPatch extends Partial<EndpointInput> {
  /** false disables the endpoint; true enables it again (clearing its failure record) */
  enabled?: boolean;
}

/** An endpoint as created or re-keyed: the plaintext secret travels beside it, this once. */
export interface IssuedEndpoint { endpoint: WebhookEndpoint; secret: string }

export interface WebhookEndpointsDeps {
  store: Pick<Store, 'webhookEndpoints'>;
  secrets: Secrets;
  audit: AuditLog;
  config: Pick<WebhooksConfig, 'allowPrivateNetworks' | 'maxEndpointsPerOrganization'>;
  now?: () => Date;
}

/**
 * Webhook endpoints of an organization (SPEC §9). An endpoint receives the data of the events it
 * subscribes to, so creating, changing, re-keying, redelivering to or deleting one needs, besides
 * `webhooks:write` (the route's), the read permission of each of its events' data (before and
 * after a change): a webhook never shows anyone more than they may read, and nobody takes over
 * (re-keys, redirects) or silences an endpoint carrying data they could not read. Endpoints
 * receive live events, so test credentials change none (the authorization invariants, SPEC §2a).
 */
export class WebhookEndpoints {
  private readonly now: () => Date;

  constructor(private readonly deps: WebhookEndpointsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(caller: Caller, organizationId: string, input: EndpointInput): Promise<IssuedEndpoint> {
    assertInScope(caller, organizationId);
    assertReachesEnvironment(caller);
    const events = this.checkedEvents(input.events);
    this.checkUrl(input.url);
    assertMaySubscribe(caller, events);
    const now = this.now();
    const id = newId('whe');
    const secret = newSigningSecret();
    const endpoint: WebhookEndpoint = {
      id, organizationId, url: input.url, description: (input.description ?? '').trim(), events,
      sealedSecret: this.deps.secrets.seal(secret, secretSealContext(id)), previousSealedSecret: null, previousSecretExpiresAt: null,
      enabled: true, disabledReason: null, failingSince: null, createdAt: now, updatedAt: now,
    };
    const cap = this.deps.config.maxEndpointsPerOrganization;
    if (await this.deps.store.webhookEndpoints.create(endpoint, cap) === 'cap_reached') {
      throw problems.forbidden('endpoint_limit_reached', `An organization may have at most ${cap} webhook endpoints; delete one first.`,
        { max_endpoints: cap });
    }
    await this.audited(caller, endpoint, 'webhook_endpoint.created', { url: urlForLogs(endpoint.url), events });
    return { endpoint, secret };
  }

  list(caller: Caller, organizationId: string, page?: Partial<PageRequest>): Promise<Page<WebhookEndpoint>> {
    assertInScope(caller, organizationId);
    return this.deps.store.webhookEndpoints.list(organizationId, pageRequest(page));
  }

  async get(caller: Caller, organizationId: string, id: string): Promise<WebhookEndpoint> {
    assertInScope(caller, organizationId);
    const endpoint = typeof id === 'string' && id.length <= 100 ? await this.deps.store.webhookEndpoints.findById(organizationId, id) : null;
    if (!endpoint) throw problems.notFound('webhook endpoint');
    return endpoint;
  }

  async update(caller: Caller, organizationId: string, id: string, patch: EndpointPatch): Promise<WebhookEndpoint> {
    const current = await this.writable(caller, organizationId, id);
    const change: WebhookEndpointPatch = { updatedAt: this.now() };
    if (patch.url !== undefined) change.url = this.checkUrl(patch.url);
    if (patch.description !== undefined) change.description = patch.description.trim();
    if (patch.events !== undefined) {
      change.events = this.checkedEvents(patch.events);
      assertMaySubscribe(caller, change.events);
    }
    if (patch.enabled === true && !current.enabled) Object.assign(change, { enabled: true, disabledReason: null, failingSince: null });
    if (patch.enabled === false && current.enabled) Object.assign(change, { enabled: false, disabledReason: 'manual' });
    const updated = await this.deps.store.webhookEndpoints.update(organizationId, id, change);
    if (!updated) throw problems.notFound('webhook endpoint');
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined).map(([k]) => k);
    await this.audited(caller, updated, 'webhook_endpoint.updated', { fields, url: urlForLogs(updated.url), events: updated.events, enabled: updated.enabled });
    return updated;
  }

  async delete(caller: Caller, organizationId: string, id: string): Promise<void> {
    const current = await this.writable(caller, organizationId, id);
    if (!(await this.deps.store.webhookEndpoints.delete(organizationId, id))) throw problems.notFound('webhook endpoint');
    await this.audited(caller, current, 'webhook_endpoint.deleted', { url: urlForLogs(current.url) });
  }

  /**
   * A new signing secret, shown once; the previous one keeps signing beside it (both signatures
   * in `webhook-signature`) for `overlapSeconds`, so receivers can switch without losing a message.
   */
  async rotateSecret(caller: Caller, organizationId: string, id: string, overlapSeconds: number): Promise<IssuedEndpoint> {
    const current = await this.writable(caller, organizationId, id);
    const now = this.now();
    const secret = newSigningSecret();
    const endpoint = await this.deps.store.webhookEndpoints.update(organizationId, id, {
      sealedSecret: this.deps.secrets.seal(secret, secretSealContext(id)),
      previousSealedSecret: overlapSeconds > 0 ? current.sealedSecret : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000) : null,
      updatedAt: now,
    });
    if (!endpoint) throw problems.notFound('webhook endpoint');
    await this.audited(caller, endpoint, 'webhook_endpoint.secret_rotated', { overlap_seconds: overlapSeconds });
    return { endpoint, secret };
  }

  /**
   * The endpoint, if the caller may act on it: a live credential holding the read permissions of
   * the endpoint's events. @throws HttpProblem 404, 403 `permission_escalation` / `environment_escalation`
   */
  writable(caller: Caller, organizationId: string, id: string): Promise<WebhookEndpoint> {
    return loadControlled(caller, organizationId, () => this.get(caller, organizationId, id),
      (endpoint) => permissionsToSubscribe(endpoint.events), 'You cannot act on a webhook endpoint whose events need');
  }

  private checkedEvents(events: readonly string[]): string[] {
    const unique = [...new Set(events)];
    const issues: FieldIssue[] = [];
    if (unique.length === 0) issues.push({ field: 'events', message: `must list at least one event type, or "${ALL_EVENTS}"` });
    if (unique.length > MAX_SUBSCRIBED) issues.push({ field: 'events', message: `at most ${MAX_SUBSCRIBED} event types` });
    events.forEach((e, i) => {
      if (e !== ALL_EVENTS && !isEventType(e)) issues.push({ field: `events[${i}]`, message: `"${String(e).slice(0, 80)}" is not an event type` });
    });
    if (issues.length) throw problems.validation(issues);
    return unique;
  }

  private checkUrl(url: string): string {
    const problem = endpointUrlProblem(url, this.deps.config.allowPrivateNetworks);
    if (problem) throw problems.validation([{ field: 'url', message: problem }]);
    return url;
  }

  private async audited(caller: Caller, endpoint: WebhookEndpoint, action: string, metadata: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({ organizationId: endpoint.organizationId, action, caller, target: { type: 'webhook_endpoint', id: endpoint.id }, metadata });
  }
}

/** Refuses (403 `permission_escalation`) a subscription whose data the caller may not read. */
export function assertMaySubscribe(caller: Caller, events: readonly string[]): void {
  assertHolds(caller, permissionsToSubscribe(events), 'You cannot subscribe to events whose data needs');
}
