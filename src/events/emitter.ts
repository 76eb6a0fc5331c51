import type { Caller } from '../audit/actor.js';
import { auditEventOf } from '../audit/audit-log.js';
import { newId } from '../domain/ids.js';
import type { EventRecord, EventStore, StoredEvent } from '../store/ports.js';
import type { EventType } from './catalog.js';
import type { EventPayloads } from './payloads.js';

/** What an event is about and who caused it; the audit entry is made from the same facts. */
export interface EventInput<T extends EventType> {
  organizationId: string | null;
  data: EventPayloads[T];
  /** who caused it (null: Gatehouse itself, e.g. the reminder sweep: the audit actor is `system`) */
  caller: Caller | null;
  target: { type: string; id: string } | null;
  /** the audit entry's metadata (never secrets; secret-looking keys are dropped anyway) */
  metadata?: Record<string, unknown>;
  /** overrides the caller's address in the audit entry */
  ip?: string | null;
  /** makes the event happen at most once (see `StoredEvent.onceKey`) */
  onceKey?: string;
  /** when it happened (default: the emitter's clock) */
  at?: Date;
}

export interface EventsDeps {
  store: { events: Pick<EventStore, 'append'> };
  now?: () => Date;
}

/**
 * Emits events (SPEC §9). An event caused by a change travels with that change into the store
 * (`record`, then the port method that writes the change takes it: one transaction), so a change
 * acknowledged has its event and a change refused has none. Events that accompany no change (a
 * sweep's reminders) are stored by `emit`. Either way the event lands in the outbox, where the
 * webhook worker picks it up, and in the audit log, under the event's type as the action.
 */
export class Events {
  private readonly now: () => Date;

  constructor(private readonly deps: EventsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The event and its audit entry, for the change that causes it to carry into the store. */
  record<T extends EventType>(type: T, input: EventInput<T>): EventRecord {
    const at = input.at ?? this.now();
    const event: StoredEvent = {
      id: newId('evt'), organizationId: input.organizationId, type, data: input.data as unknown as Record<string, unknown>,
      occurredAt: at, onceKey: input.onceKey ?? null, dispatchedAt: null,
    };
    const audit = auditEventOf({
      organizationId: input.organizationId, action: type, caller: input.caller, target: input.target,
      ip: input.ip, metadata: input.metadata,
    }, at);
    return { event, audit: input.caller ? audit : { ...audit, actor: { type: 'system', id: null } } };
  }

  /** Stores events no change carries; once-keyed ones at most once. @returns the events stored */
  emit(records: readonly EventRecord[]): Promise<StoredEvent[]> {
    return this.deps.store.events.append(records);
  }
}
