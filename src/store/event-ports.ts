/**
 * Store ports of the events outbox, webhook endpoints and deliveries, and job leases (SPEC §9).
 * Re-exported by `ports.ts`; kept apart so the aggregates they serve stay readable.
 */
import type { AuditEvent, Page, PageRequest } from './ports.js';

// ---------------------------------------------------------------- the events outbox

/** One event in the outbox: what happened, in which organization, with the data webhooks carry. */
export interface StoredEvent {
  /** `evt_…`, time-ordered; also each delivery's `webhook-id` */
  id: string;
  /** null for server-level events (no organization's webhooks receive them) */
  organizationId: string | null;
  /** one of `events/catalog.ts` */
  type: string;
  /** the `data` of the webhook body; never a secret */
  data: Record<string, unknown>;
  occurredAt: Date;
  /**
   * Set on events that must happen at most once whatever retries or instances do (a sweep's
   * reminders): storing a second event with the same key stores nothing.
   */
  onceKey: string | null;
  /** when the event was turned into deliveries (null: not yet) */
  dispatchedAt: Date | null;
}

/**
 * An event and its audit entry, as a change carries them into the store. A port method that
 * takes `events` writes them in the same transaction as its change, and only when the change
 * happened (the method's answer says whether it did): an acknowledged change has its events, a
 * refused or rolled-back one has none.
 */
export interface EventRecord {
  event: StoredEvent;
  audit: AuditEvent;
}

export interface EventStore {
  /**
   * Stores events that no other change carries (a sweep's reminders), each with its audit entry,
   * atomically per event; an event whose `onceKey` is stored already is skipped, audit entry
   * included. @returns the events stored
   */
  append(records: readonly EventRecord[]): Promise<StoredEvent[]>;
  findById(id: string): Promise<StoredEvent | null>;
  /** events not yet dispatched, oldest first, at most `limit` */
  undispatched(limit: number): Promise<StoredEvent[]>;
  /**
   * Marks the event dispatched at `at` and stores its deliveries, all or nothing, only if it was
   * not dispatched already: of concurrent dispatches of one event, on any number of
   * connections, exactly one answers true; the others write nothing.
   */
  dispatch(eventId: string, deliveries: readonly WebhookDelivery[], at: Date): Promise<boolean>;
}

// ---------------------------------------------------------------- webhook endpoints

export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  /** where deliveries are POSTed */
  url: string;
  description: string;
  /** the event types it receives; `*` for every one */
  events: string[];
  /** the signing secret (`whsec_…`), sealed with GATEHOUSE_SECRET */
  sealedSecret: string;
  /** after a rotation: the previous secret, sealed, still signing until `previousSecretExpiresAt` */
  previousSealedSecret: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  /** why it was disabled (`failing`, `manual`), null while enabled */
  disabledReason: string | null;
  /** the first failed attempt since the last success; null while healthy */
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookEndpointPatch = Partial<Pick<WebhookEndpoint,
  'url' | 'description' | 'events' | 'sealedSecret' | 'previousSealedSecret' | 'previousSecretExpiresAt'
  | 'enabled' | 'disabledReason' | 'failingSince' | 'updatedAt'>>;

export interface WebhookEndpointStore {
  /**
   * Inserts the endpoint unless its organization has `maxPerOrganization` already; atomic with
   * respect to concurrent creates in the organization.
   */
  create(endpoint: WebhookEndpoint, maxPerOrganization: number): Promise<'created' | 'cap_reached'>;
  findById(organizationId: string, id: string): Promise<WebhookEndpoint | null>;
  /** newest first */
  list(organizationId: string, page: PageRequest): Promise<Page<WebhookEndpoint>>;
  /** every enabled endpoint of the organization (few: creation is capped) */
  listEnabled(organizationId: string): Promise<WebhookEndpoint[]>;
  update(organizationId: string, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | null>;
  /** @returns whether an endpoint was removed */
  delete(organizationId: string, id: string): Promise<boolean>;
  /**
   * After a failed attempt at `at`: sets `failingSince` to `at` unless it is set already (the
   * first failure wins). @returns the endpoint as stored, null when it is gone
   */
  markFailing(id: string, at: Date): Promise<WebhookEndpoint | null>;
  /** After a successful attempt: clears `failingSince`. */
  markHealthy(id: string): Promise<void>;
  /**
   * Disables the endpoint if it is still enabled and failing since `failingSince` (a
   * compare-and-set, so one instance wins and the others write nothing), with `events`.
   * @returns whether this call disabled it
   */
  disableFailing(id: string, failingSince: Date, at: Date, events?: readonly EventRecord[]): Promise<boolean>;
}

// ---------------------------------------------------------------- webhook deliveries

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event's journey to one endpoint. */
export interface WebhookDelivery {
  id: string;
  organizationId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** the exact body POSTed (`{type, timestamp, data}` as JSON text), fixed when the delivery is made */
  payload: string;
  status: DeliveryStatus;
  /** attempts made so far */
  attempts: number;
  /** when a pending delivery is next due (null once it is settled) */
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  /** the last attempt's HTTP status, null when it got none (refused, timed out, unreachable) */
  lastStatusCode: number | null;
  /** the last attempt's failure, in a few words; null after a success */
  lastError: string | null;
  /** the worker holding this delivery, until `leaseExpiresAt` */
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  /** a redelivery names the delivery it repeats */
  redeliveryOf: string | null;
  createdAt: Date;
  /** when it succeeded or was given up */
  completedAt: Date | null;
}

/** What one attempt came to, as {@link WebhookDeliveryStore.settle} records it. */
export interface DeliverySettlement {
  at: Date;
  statusCode: number | null;
  error: string | null;
  /** `pending` schedules another attempt at `nextAttemptAt` */
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  /** false when no request left (the endpoint was gone or disabled): the attempt count stays */
  attempted: boolean;
}

export interface WebhookDeliveryStore {
  /** a redelivery (fan-out goes through `EventStore.dispatch`) */
  create(delivery: WebhookDelivery): Promise<void>;
  findById(organizationId: string, id: string): Promise<WebhookDelivery | null>;
  /** the endpoint's deliveries, newest first */
  listByEndpoint(organizationId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
  /**
   * Leases up to `limit` pending deliveries due at `now` whose lease is free or expired, soonest
   * due first, to `owner` until `until`. Each delivery goes to one caller only, whatever the
   * number of callers and connections.
   */
  lease(now: Date, owner: string, until: Date, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Records an attempt and releases the lease, only if `owner` still holds it (else nothing is
   * written: the lease expired and someone else may be sending). @returns whether it was recorded
   */
  settle(id: string, owner: string, settlement: DeliverySettlement): Promise<boolean>;
}

// ---------------------------------------------------------------- job leases

/**
 * Named leases for periodic work that one instance at a time should do (the reminder sweep),
 * each with a small state the holder saves when it finishes (e.g. how far it got).
 */
export interface JobLeaseStore {
  /**
   * Takes the lease for `owner` until `until` if it is free, expired at `now` or `owner`'s
   * already; of concurrent callers exactly one gets it. @returns the job's saved state (`{}` the
   * first time), or null when another owner holds the lease
   */
  acquire(name: string, owner: string, now: Date, until: Date): Promise<Record<string, unknown> | null>;
  /** Saves the state and releases the lease, only if `owner` still holds it. @returns whether it did */
  release(name: string, owner: string, state: Record<string, unknown>): Promise<boolean>;
}
