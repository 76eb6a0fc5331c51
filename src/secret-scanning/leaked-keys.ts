import { createHash } from 'node:crypto';
import type { ApiKeyService } from '../api-keys/service.js';
import { digestApiKey, digestsEqual, parseApiKey } from '../domain/api-keys/format.js';
import { keyStatus } from '../domain/api-keys/status.js';
import type { Secrets } from '../domain/secrets.js';
import type { Events } from '../events/emitter.js';
import { apiKeyData } from '../events/payloads.js';
import type { ApiKeyRecord, Store } from '../store/ports.js';
import { foundAt, labelled, type LabelledToken, type LeakReport } from './reports.js';

export interface LeakedKeysDeps {
  store: Pick<Store, 'apiKeys' | 'organizations'>;
  secrets: Secrets;
  apiKeys: Pick<ApiKeyService, 'revokeLeaked'>;
  events: Events;
  now?: () => Date;
}

/** What was done about the reports of one request, for the log (counts only: never a token). */
export interface LeakOutcome {
  labels: LabelledToken[];
  revoked: number;
  notified: number;
}

/**
 * Handles keys found in public (SPEC §10). A reported token is a true positive when it is a key
 * this deployment minted (shape, checksum, tag, then the stored digest), whatever its status. An
 * active one gets its organization's policy: `revoke` (at once, with `api_key.revoked`) or
 * `notify`; either way an `api_key.leaked` event (webhooks, audit log, and a mail to the
 * organization's admins) says where it was found. Server-scoped keys are always revoked. A
 * notification is sent once per key and place, so a report GitHub repeats alerts nobody twice.
 */
export class LeakedKeys {
  private readonly now: () => Date;

  constructor(private readonly deps: LeakedKeysDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async handle(reports: readonly LeakReport[]): Promise<LeakOutcome> {
    const outcome: LeakOutcome = { labels: [], revoked: 0, notified: 0 };
    for (const report of reports) {
      const record = await this.keyOf(report.token);
      outcome.labels.push(labelled(report, record ? 'true_positive' : 'false_positive'));
      if (!record || keyStatus(record, this.now()) !== 'active') continue;
      const action = await this.apply(record, report);
      if (action === 'revoked') outcome.revoked++;
      else if (action === 'notified') outcome.notified++;
    }
    return outcome;
  }

  /** The key `token` is, or null when it is none of ours. */
  private async keyOf(token: string): Promise<ApiKeyRecord | null> {
    const parsed = parseApiKey(this.deps.secrets, token);
    if (!parsed.ok) return null;
    const record = await this.deps.store.apiKeys.findById(parsed.id);
    if (!record || record.environment !== parsed.environment) return null;
    return digestsEqual(digestApiKey(parsed.master, token), record.digest) ? record : null;
  }

  private async apply(record: ApiKeyRecord, report: LeakReport): Promise<'revoked' | 'notified' | null> {
    const org = record.organizationId ? await this.deps.store.organizations.findById(record.organizationId) : null;
    const policy = org?.leakedKeyPolicy ?? 'revoke';
    const now = this.now();
    const url = foundAt(report);
    const source = report.source ? `github:${report.source}` : 'github';
    const leaked = (action: 'revoked' | 'notified', onceKey?: string) => this.deps.events.record('api_key.leaked', {
      organizationId: record.organizationId, caller: null, target: { type: 'api_key', id: record.id }, at: now, onceKey,
      data: { api_key: apiKeyData(action === 'revoked' ? { ...record, revokedAt: now, updatedAt: now } : record, now), source, url, action },
      metadata: { source, url, action, policy },
    });
    if (policy === 'revoke') return (await this.deps.apiKeys.revokeLeaked(record, [leaked('revoked')])) ? 'revoked' : null;
    const place = createHash('sha256').update(url ?? source).digest('base64url').slice(0, 22);
    const stored = await this.deps.events.emit([leaked('notified', `api_key.leaked:${record.id}:${place}`)]);
    return stored.length ? 'notified' : null;
  }
}
