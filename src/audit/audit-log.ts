import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { AuditEvent, AuditStore, Page, PageRequest } from '../store/ports.js';
import { actorOf, type Caller } from './actor.js';

/** Metadata keys that could carry a secret: dropped before anything is stored, whatever the caller passes. */
const SECRET_KEY = /key$|secret|password|digest|token|hash|sealed/i;
const ALLOWED_KEY_SUFFIX = /^(key_id|keyId|rotated_to_key)$/;

export interface AuditEntry {
  organizationId: string | null;
  /** `<noun>.<verb>`, e.g. `api_key.created`, `user.roles_changed`, `auth.failed` */
  action: string;
  caller: Caller | null;
  target?: { type: string; id: string } | null;
  /** overrides `caller.ip` (e.g. for `auth.failed`, which has no caller) */
  ip?: string | null;
  metadata?: Record<string, unknown>;
}

function scrub(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (SECRET_KEY.test(k) && !ALLOWED_KEY_SUFFIX.test(k)) continue;
    out[k] = v;
  }
  return out;
}

/** The stored form of an audit entry made at `at` (secret-looking metadata dropped). */
export function auditEventOf(entry: AuditEntry, at: Date): AuditEvent {
  return {
    id: newId('aud'),
    organizationId: entry.organizationId,
    action: entry.action,
    actor: entry.caller ? actorOf(entry.caller) : { type: 'anonymous', id: null },
    target: entry.target ?? null,
    ip: entry.ip ?? entry.caller?.ip ?? null,
    at,
    metadata: scrub(entry.metadata ?? {}),
  };
}

/**
 * The audit log: who did what to which object, when, from where, in which organization. Never
 * holds secrets: metadata keys that look like one are dropped here, as a second line behind callers.
 */
export class AuditLog {
  constructor(private readonly deps: { store: AuditStore; logger: Logger; now?: () => Date }) {}

  async record(entry: AuditEntry): Promise<AuditEvent> {
    const event = auditEventOf(entry, (this.deps.now ?? (() => new Date()))());
    await this.deps.store.append(event);
    return event;
  }

  /** Like `record`, but a failure is logged instead of failing the request it describes. */
  recordQuietly(entry: AuditEntry): void {
    this.record(entry).catch((err) => this.deps.logger.error({ err, action: entry.action }, 'audit append failed'));
  }

  list(organizationId: string | null, page: PageRequest): Promise<Page<AuditEvent>> {
    return this.deps.store.list(organizationId, page);
  }
}

/** The public (snake_case) form of an audit event. */
export function auditEventToJson(e: AuditEvent) {
  return {
    id: e.id, organization: e.organizationId, action: e.action,
    actor: e.actor, target: e.target, ip: e.ip, at: e.at.toISOString(), metadata: e.metadata,
  };
}
